//! The vehicle picker page (`/vehicle`: year → make → model → engine) and the active vehicle
//! in the header. Works without JavaScript: the choices are a GET form, choosing is a plain
//! post; once hydrated, each choice moves on by itself.

use super::{
    api::{my_garage, vehicle_choices, RemoveFromGarage, SetVehicle, VehicleByVin},
    context::use_vehicle,
    Choice, PickerChoices,
};
use crate::ui::{ErrorNotice, PostErrorNotice};
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
            <CurrentVehicle />
            <GarageList />
        </section>
    }
}

/// Submits the form a control belongs to (a choice moves the picker on).
fn submit_own_form(ev: leptos::ev::Event) {
    let select = event_target::<web_sys::HtmlSelectElement>(&ev);
    if let Some(form) = select.form() {
        let _ = form.request_submit();
    }
}

/// One step of the picker: a labelled select whose change moves on.
#[component]
fn Step(
    name: &'static str,
    label: &'static str,
    placeholder: &'static str,
    options: Vec<(i64, String)>,
    selected: Option<i64>,
) -> impl IntoView {
    let id = format!("vehicle-{name}");
    let disabled = options.is_empty();
    view! {
        <div class="picker-step" class:picker-step-done=selected.is_some()>
            <label for=id.clone()>{label}</label>
            <select id=id name=name disabled=disabled on:change=submit_own_form>
                <option value="" selected=selected.is_none()>{placeholder}</option>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        view! { <option value=value.to_string() selected=selected == Some(value)>{text}</option> }
                    })
                    .collect_view()}
            </select>
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
            <Step name="make" label="Make" placeholder="Choose the make" options=named(&found.makes) selected=make />
            <Step name="model" label="Model" placeholder="Choose the model" options=named(&found.models) selected=model />
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
                                                    let is_active = active == Some(v.id);
                                                    let engine = v.engine.as_ref().map(|e| e.id).unwrap_or(0);
                                                    view! {
                                                        <li class="garage-item" class:garage-active=is_active data-testid="garage-item">
                                                            <span class="garage-name">{v.label()}</span>
                                                            {if is_active {
                                                                view! { <span class="badge badge-ok">"Active"</span> }.into_any()
                                                            } else {
                                                                view! {
                                                                    <ActionForm action=vehicle.set>
                                                                        <input type="hidden" name="vehicle" value=v.id.to_string() />
                                                                        <input type="hidden" name="engine" value=engine.to_string() />
                                                                        <input type="hidden" name="next" value="/vehicle" />
                                                                        <button type="submit" class="btn btn-ghost btn-small">"Use this vehicle"</button>
                                                                    </ActionForm>
                                                                }
                                                                .into_any()
                                                            }}
                                                            <ActionForm action=remove>
                                                                <input type="hidden" name="vehicle" value=v.id.to_string() />
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
