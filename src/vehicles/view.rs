//! The vehicle picker page (`/vehicle`: year → make → model → engine) and the active vehicle
//! in the header. Works without JavaScript: the choices are a GET form, choosing is a plain
//! post; once hydrated, each choice moves on by itself.

use super::{
    api::{
        my_garage, vehicle_choices, RemoveFromGarage, SetTypedVehicle, SetVehicle, VehicleByVin,
    },
    context::use_vehicle,
    Choice, PickerChoices,
};
use crate::ui::notice::{ErrorNotice, PostErrorNotice};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::Form,
    hooks::{use_location, use_query_map},
};

/// `/vehicle?year=…&make=…&model=…&next=…`: pick a vehicle step by step.
#[component]
pub fn VehiclePage() -> impl IntoView {
    let query = use_query_map();
    let number = move |key: &str| {
        query
            .read()
            .get(key)
            .and_then(|v| v.trim().parse::<i64>().ok())
    };
    let choices = Resource::new(
        move || (number("year"), number("make"), number("model")),
        |(year, make, model)| vehicle_choices(year, make, model),
    );
    let posted_set = ServerAction::<SetVehicle>::new();
    view! {
        <Title text="Your vehicle" />
        <section class="page vehicle-page">
            <header>
                <h1>"Which vehicle is it for?"</h1>
                <p class="page-lead">
                    "Choose the year, make and model — and the engine, if you know it. Every part then says whether it fits, and why."
                </p>
            </header>
            // A page's own action reads a failed plain post's error from the address (the
            // shared ones are made in the layout, before the router knows the address).
            <PostErrorNotice action=posted_set lead="Could not choose this vehicle: " />
            <VinForm />
            <Transition fallback=|| view! { <p class="loading">"Loading vehicles…"</p> }>
                {move || Suspend::new(async move {
                    match choices.await {
                        Ok(found) => view! {
                            <Picker
                                found
                                year=number("year")
                                make=number("make")
                                model=number("model")
                            />
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
            <TypedForm />
            <CurrentVehicle />
            <GarageList />
        </section>
    }
}

/// One step of the picker: a labelled select whose change moves on (submits its form, or
/// with `on_pick` hands the chosen id over). A long list (`narrow`: makes, models) gets a box
/// above it, once the page is interactive, that leaves in the list only the entries
/// containing what is typed (case and separators ignored: "f150" finds "F-150"); a single
/// match is chosen at once. Without JavaScript the select's own type-ahead is there.
#[component]
fn Step(
    name: &'static str,
    label: &'static str,
    placeholder: &'static str,
    options: Vec<(i64, String)>,
    selected: Option<i64>,
    #[prop(optional)] narrow: bool,
    /// Instead of submitting the form, a choice calls this (the header's quick picker).
    #[prop(optional)]
    on_pick: Option<Callback<i64>>,
    /// The start of the controls' ids: "vehicle" on the page, "quick" in the header.
    #[prop(default = "vehicle")]
    prefix: &'static str,
) -> impl IntoView {
    let id = format!("{prefix}-{name}");
    let disabled = options.is_empty();
    let typed = RwSignal::new(String::new());
    let select_ref = NodeRef::<leptos::html::Select>::new();
    let keys: Vec<(i64, String)> = options
        .iter()
        .map(|(value, text)| (*value, crate::text::normalize_part_number(text)))
        .collect();
    // Picks `value` after the handler that chose it: picking moves the picker on, which
    // replaces this step (and the signals the handler holds) while it would still run.
    // A keystroke may still reach a step that was just replaced (its signals gone): then
    // nothing happens, as the new step is what the customer sees.
    let pick = move |value: i64| {
        let select = select_ref.try_get_untracked().flatten();
        set_timeout(
            move || match on_pick {
                Some(on_pick) => {
                    let _ = on_pick.try_run(value);
                }
                None => {
                    if let Some(form) = select.and_then(|s| s.form()) {
                        let _ = form.request_submit();
                    }
                }
            },
            std::time::Duration::ZERO,
        );
    };
    let on_input = move |ev: leptos::ev::Event| {
        let value = crate::text::normalize_part_number(&event_target_value(&ev));
        let hits: Vec<(usize, i64)> = keys
            .iter()
            .enumerate()
            .filter(|(_, (_, key))| key.contains(&value))
            .map(|(at, (id, _))| (at, *id))
            .take(2)
            .collect();
        if typed.try_set(value).is_some() {
            return;
        }
        if let ([(at, only)], Some(select)) =
            (hits.as_slice(), select_ref.try_get_untracked().flatten())
        {
            // Option 0 is the placeholder.
            select.set_selected_index(*at as i32 + 1);
            pick(*only);
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        if let Ok(value) = event_target_value(&ev).parse::<i64>() {
            pick(value);
        }
    };
    let filter = (narrow && !disabled).then(|| {
        let filter_id = format!("{prefix}-{name}-filter");
        view! {
            <input
                id=filter_id
                class="picker-filter js-only"
                type="search"
                autocomplete="off"
                placeholder="Type a few letters"
                aria-label="Type to narrow this list"
                aria-controls=id.clone()
                on:input=on_input
            />
        }
    });
    view! {
        <div class="picker-step" class:picker-step-done=selected.is_some()>
            <label for=id.clone()>{label}</label>
            {filter}
            <select id=id name=name disabled=disabled on:change=on_change node_ref=select_ref>
                <option value="" selected=selected.is_none()>{placeholder}</option>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let key = crate::text::normalize_part_number(&text);
                        let hidden = move || {
                            let typed = typed.get();
                            !typed.is_empty() && !key.contains(&typed)
                        };
                        view! { <option value=value.to_string() selected=selected == Some(value) hidden=hidden>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// The header's quick picker (hydrated pages only, opened from the vehicle badge): year →
/// make → model → engine in a panel, each list from the vehicle table once the choice before
/// it is made, the makes and models narrowing as you type. "Use this vehicle" makes it the
/// active vehicle and stays on the page. A VIN, a typed-in vehicle and the garage are a link
/// away, on `/vehicle` (`more`).
#[component]
pub fn QuickPicker(more: String, on_close: Callback<()>) -> impl IntoView {
    let vehicle = use_vehicle();
    let location = use_location();
    let year = RwSignal::new(None::<i64>);
    let make = RwSignal::new(None::<i64>);
    let model = RwSignal::new(None::<i64>);
    let engine = RwSignal::new(0i64);
    let choices = Resource::new(
        move || (year.get(), make.get(), model.get()),
        |(year, make, model)| vehicle_choices(year, make, model),
    );
    let pick_year = Callback::new(move |y: i64| {
        year.set(Some(y));
        make.set(None);
        model.set(None);
        engine.set(0);
    });
    let pick_make = Callback::new(move |m: i64| {
        make.set(Some(m));
        model.set(None);
        engine.set(0);
    });
    let pick_model = Callback::new(move |m: i64| {
        model.set(Some(m));
        engine.set(0);
    });
    let use_it = move |_| {
        if let Some(chosen) = model.get_untracked() {
            let (path, search) = (
                location.pathname.get_untracked(),
                location.search.get_untracked(),
            );
            let here = if search.is_empty() {
                path
            } else {
                format!("{path}?{search}")
            };
            let engine = engine.get_untracked();
            vehicle.set.dispatch(SetVehicle {
                vehicle: chosen,
                engine: (engine != 0).then_some(engine),
                next: Some(here),
            });
            on_close.run(());
        }
    };
    let named = |list: &[Choice]| {
        list.iter()
            .map(|c| (c.id, c.name.clone()))
            .collect::<Vec<_>>()
    };
    view! {
        <div class="quick-picker" id="vehicle-quick" role="dialog" aria-label="Choose your vehicle" data-testid="quick-picker">
            <div class="quick-head">
                <strong>"Which vehicle is it for?"</strong>
                <button type="button" class="quick-close" aria-label="Close" on:click=move |_| on_close.run(())>"×"</button>
            </div>
            <Transition fallback=|| view! { <p class="loading">"Loading vehicles…"</p> }>
                {move || Suspend::new(async move {
                    match choices.await {
                        Ok(found) => {
                            let chosen_model = model.get_untracked().filter(|m| found.models.iter().any(|c| c.id == *m));
                            let engines = found.engines.clone();
                            view! {
                                <div class="quick-steps">
                                    <Step
                                        name="year"
                                        label="Year"
                                        placeholder="Choose the year"
                                        options=found.years.iter().map(|y| (*y, y.to_string())).collect()
                                        selected=year.get_untracked()
                                        on_pick=pick_year
                                        prefix="quick"
                                    />
                                    <Step name="make" label="Make" placeholder="Choose the make" options=named(&found.makes) selected=make.get_untracked() narrow=true on_pick=pick_make prefix="quick" />
                                    <Step name="model" label="Model" placeholder="Choose the model" options=named(&found.models) selected=chosen_model narrow=true on_pick=pick_model prefix="quick" />
                                    <div class="picker-step">
                                        <label for="quick-engine">"Engine"</label>
                                        <select
                                            id="quick-engine"
                                            disabled=engines.is_empty()
                                            on:change=move |ev| engine.set(event_target_value(&ev).parse().unwrap_or(0))
                                        >
                                            <option value="0">{if chosen_model.is_some() && engines.is_empty() { "Not known for this vehicle" } else { "Not sure" }}</option>
                                            {engines
                                                .iter()
                                                .map(|e| view! { <option value=e.id.to_string()>{e.label()}</option> })
                                                .collect_view()}
                                        </select>
                                    </div>
                                </div>
                                <button
                                    type="button"
                                    class="btn btn-primary quick-use"
                                    data-testid="quick-use"
                                    disabled=chosen_model.is_none()
                                    on:click=use_it
                                >
                                    "Use this vehicle"
                                </button>
                            }
                            .into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
            <a class="quick-more" href=more>"Enter a VIN, type in a vehicle we do not list, or open your garage"</a>
        </div>
    }
}

#[component]
fn Picker(
    found: PickerChoices,
    year: Option<i64>,
    make: Option<i64>,
    model: Option<i64>,
) -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let vehicle = use_vehicle();
    let year = year.filter(|y| found.years.contains(y));
    let make = make.filter(|m| found.makes.iter().any(|c| c.id == *m));
    let model = model.filter(|m| found.models.iter().any(|c| c.id == *m));
    let named = |list: &[Choice]| {
        list.iter()
            .map(|c| (c.id, c.name.clone()))
            .collect::<Vec<_>>()
    };
    let engines = found.engines.clone();
    view! {
        <Form method="GET" action="/vehicle" attr:class="picker" attr:data-testid="vehicle-picker">
            <input type="hidden" name="next" value=next />
            <Step
                name="year"
                label="Year"
                placeholder="Choose the year"
                options=found.years.iter().map(|y| (*y, y.to_string())).collect()
                selected=year
            />
            <Step name="make" label="Make" placeholder="Choose the make" options=named(&found.makes) selected=make narrow=true />
            <Step name="model" label="Model" placeholder="Choose the model" options=named(&found.models) selected=model narrow=true />
            // Without JavaScript a choice is sent with this button (hidden once hydrated).
            <button type="submit" class="btn btn-ghost picker-next">"Next"</button>
        </Form>
        {model.map(|model| {
            view! {
                <ActionForm action=vehicle.set attr:class="picker-engine" attr:data-testid="vehicle-engine-form">
                    <input type="hidden" name="vehicle" value=model.to_string() />
                    <input type="hidden" name="next" value=next />
                    <fieldset>
                        <legend>"Engine"</legend>
                        {if engines.is_empty() {
                            view! { <p class="hint">"We do not know this vehicle's engines: parts that depend on the engine will ask."</p> }.into_any()
                        } else {
                            view! {
                                <label class="radio">
                                    <input type="radio" name="engine" value="0" checked=true />
                                    " Not sure"
                                </label>
                                {engines
                                    .iter()
                                    .map(|e| view! {
                                        <label class="radio">
                                            <input type="radio" name="engine" value=e.id.to_string() />
                                            " " {e.label()}
                                        </label>
                                    })
                                    .collect_view()}
                            }
                            .into_any()
                        }}
                    </fieldset>
                    <button type="submit" class="btn btn-primary" data-testid="use-vehicle">"Use this vehicle"</button>
                </ActionForm>
            }
        })}
    }
}

/// Below the picker: the vehicle chosen now, and a way to forget it.
#[component]
fn CurrentVehicle() -> impl IntoView {
    let vehicle = use_vehicle();
    let location = use_location();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                vehicle.active.await.ok().flatten().map(|v| view! {
                    <div class="current-vehicle" data-testid="current-vehicle">
                        <p>"Parts are checked against your " <strong>{v.label()}</strong> "."</p>
                        <ActionForm action=vehicle.forget>
                            <input type="hidden" name="next" value=move || location.pathname.get() />
                            <button type="submit" class="btn btn-ghost">"Forget this vehicle"</button>
                        </ActionForm>
                    </div>
                })
            })}
        </Transition>
    }
}

/// A logged-in customer's garage: every vehicle kept, the active one marked, each to make
/// active or remove; a visitor is told that logging in keeps several.
#[component]
fn GarageList() -> impl IntoView {
    let vehicle = use_vehicle();
    let remove = ServerAction::<RemoveFromGarage>::new();
    let garage = Resource::new(
        move || (vehicle.changes(), remove.version().get()),
        |_| my_garage(),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match garage.await {
                    Ok(Some(garage)) => {
                        let active = garage.active;
                        view! {
                            <section class="garage" id="garage" data-testid="garage">
                                <h2>"My garage"</h2>
                                {if garage.vehicles.is_empty() {
                                    view! { <p class="hint">"Every vehicle you choose is kept here, so you can switch between them."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="garage-list">
                                            {garage
                                                .vehicles
                                                .into_iter()
                                                .map(|v| {
                                                    let key = v.garage_key();
                                                    let is_active = active.as_deref() == Some(key.as_str());
                                                    let engine = v.engine.as_ref().map(|e| e.id).unwrap_or(0);
                                                    view! {
                                                        <li class="garage-item" class:garage-active=is_active data-testid="garage-item">
                                                            <span class="garage-name">
                                                                {v.label()}
                                                                {v.typed.then(|| view! { <span class="garage-typed">" (typed in)"</span> })}
                                                            </span>
                                                            {if is_active {
                                                                view! { <span class="badge badge-ok">"Active"</span> }.into_any()
                                                            } else {
                                                                view! { <UseKept vehicle=v.clone() engine /> }.into_any()
                                                            }}
                                                            <ActionForm action=remove>
                                                                <input type="hidden" name="vehicle" value=key />
                                                                <input type="hidden" name="next" value="/vehicle" />
                                                                <button type="submit" class="btn btn-ghost btn-small btn-danger">"Remove"</button>
                                                            </ActionForm>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                    .into_any()
                                }}
                            </section>
                        }
                        .into_any()
                    }
                    Ok(None) => view! {
                        <p class="garage-visitor hint">
                            <a href="/login?next=/vehicle">"Log in"</a>
                            " to keep several vehicles in your garage; the one you choose now comes with you."
                        </p>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A garage vehicle's "Use this vehicle": the model year with its engine, or a typed-in
/// vehicle typed in again.
#[component]
fn UseKept(vehicle: super::Vehicle, engine: i64) -> impl IntoView {
    let actions = use_vehicle();
    let button = || view! { <button type="submit" class="btn btn-ghost btn-small">"Use this vehicle"</button> };
    if vehicle.typed {
        view! {
            <ActionForm action=actions.typed>
                <input type="hidden" name="year" value=vehicle.year.to_string() />
                <input type="hidden" name="make" value=vehicle.make.clone() />
                <input type="hidden" name="model" value=vehicle.model.clone() />
                <input type="hidden" name="next" value="/vehicle" />
                {button()}
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <ActionForm action=actions.set>
                <input type="hidden" name="vehicle" value=vehicle.id.to_string() />
                <input type="hidden" name="engine" value=engine.to_string() />
                <input type="hidden" name="next" value="/vehicle" />
                {button()}
            </ActionForm>
        }
        .into_any()
    }
}

/// "Not in the list?": a vehicle the list does not have, typed in (year, make, model). Parts
/// cannot be checked against it, and the form says so; what is wrong with what was typed is
/// said beside the fields (above the page without JavaScript).
#[component]
fn TypedForm() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let typed = use_vehicle().typed;
    let posted = ServerAction::<SetTypedVehicle>::new();
    let error = move || {
        typed.value().get().and_then(Result::err).map(|e| {
            ["year", "make", "model"]
                .into_iter()
                .find_map(|field| e.field_message(field))
                .unwrap_or_else(|| e.to_string())
        })
    };
    view! {
        <section class="typed-vehicle" data-testid="typed-vehicle">
            <h2>"Not in the list?"</h2>
            <p class="hint">
                "Our list has the vehicles sold in North America. Type yours in: we cannot check parts against it, but each part says what it is made for."
            </p>
            <PostErrorNotice action=posted lead="Could not use this vehicle: " />
            <ActionForm action=typed attr:class="typed-form" attr:data-testid="typed-form">
                <input type="hidden" name="next" value=next />
                <div class="typed-row">
                    <label class="typed-year">
                        "Model year"
                        <input name="year" type="text" inputmode="numeric" maxlength="4" autocomplete="off" placeholder="2009" required=true aria-describedby="typed-error" />
                    </label>
                    <label>
                        "Maker"
                        <input name="make" type="text" maxlength="40" autocomplete="off" placeholder="Škoda" required=true aria-describedby="typed-error" />
                    </label>
                    <label>
                        "Model name"
                        <input name="model" type="text" maxlength="40" autocomplete="off" placeholder="Octavia" required=true aria-describedby="typed-error" />
                    </label>
                    <button type="submit" class="btn btn-ghost" data-testid="use-typed">"Use my vehicle"</button>
                </div>
                <p id="typed-error" class="field-error" role="alert">{error}</p>
            </ActionForm>
        </section>
    }
}

/// "Know your VIN?": a VIN fills in the vehicle (and its engine); one that fails its checks or
/// is unknown says why, beside the field (above the page without JavaScript).
#[component]
fn VinForm() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let vin = use_vehicle().vin;
    let posted = ServerAction::<VehicleByVin>::new();
    let error = move || {
        vin.value()
            .get()
            .and_then(Result::err)
            .map(|e| e.field_message("vin").unwrap_or_else(|| e.to_string()))
    };
    view! {
        <PostErrorNotice action=posted lead="Could not use this VIN: " field="vin" />
        <ActionForm action=vin attr:class="vin-form" attr:data-testid="vin-form">
            <input type="hidden" name="next" value=next />
            <label for="vehicle-vin">"Know your VIN? It fills in everything."</label>
            <div class="vin-row">
                <input
                    id="vehicle-vin"
                    name="vin"
                    type="text"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    maxlength="40"
                    placeholder="17 characters, e.g. 1HGCM82633A004352"
                    aria-describedby="vehicle-vin-error"
                    required=true
                />
                <button type="submit" class="btn btn-primary" data-testid="use-vin">"Use this VIN"</button>
            </div>
            <p id="vehicle-vin-error" class="field-error" role="alert">{error}</p>
        </ActionForm>
    }
}
