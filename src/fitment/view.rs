//! Fitment on screen: the supplier's editor (`/listings/:id/fitment`) and the answer on a part
//! page for the customer's vehicle. Both work without JavaScript: choosing the make is a GET
//! form, every change a plain post.

use super::{
    api::{
        fitment_answer, fitment_editor, AddFitment, AddFitmentsBulk, AddPartNumber, RemoveFitment,
        RemovePartNumber, SetPartUniversal,
    },
    Drive, FitAnswer, FitKind, FitmentOverview, FitmentRow, Position,
};
use crate::{
    error::AppError,
    ui::{
        form::{action_error, cleared_on_success, Control, Field, SubmitButton},
        use_route_id, ByIdPage, ErrorNotice, PostErrorNotice, RouteId,
    },
    vehicles::context::use_vehicle,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

/// `/listings/:id/fitment?make=…`: which vehicles one of the supplier's listings fits.
#[component]
pub fn FitmentEditorPage() -> impl IntoView {
    let query = use_query_map();
    let make = move || {
        query
            .read()
            .get("make")
            .and_then(|m| m.trim().parse::<i64>().ok())
    };
    let add = ServerAction::<AddFitment>::new();
    let remove = ServerAction::<RemoveFitment>::new();
    let universal = ServerAction::<SetPartUniversal>::new();
    let add_number = ServerAction::<AddPartNumber>::new();
    let bulk = ServerAction::<AddFitmentsBulk>::new();
    let remove_number = ServerAction::<RemovePartNumber>::new();
    // The add forms start empty again after each add (the editor below is drawn again when its
    // data reloads, so the references are made here).
    let forms = AddForms {
        fitment: cleared_on_success(add),
        bulk: cleared_on_success(bulk),
        number: cleared_on_success(add_number),
    };
    let id = use_route_id();
    let editor = Resource::new(
        move || {
            (
                id(),
                make(),
                add.version().get(),
                remove.version().get(),
                universal.version().get(),
                add_number.version().get(),
                remove_number.version().get(),
                bulk.version().get(),
            )
        },
        |(id, make, ..)| async move {
            fitment_editor(id.or_not_found("No such listing in your shop.")?, make).await
        },
    );
    let render = move |editor: FitmentOverview| async move {
        let numbers = editor.numbers.clone();
        let part = editor.part;
        view! {
            <Editor editor add remove universal form=forms.fitment />
            <BulkForm part bulk form=forms.bulk />
            <Numbers part numbers add=add_number remove=remove_number form=forms.number />
        }
    };
    view! {
        <Title text="Fitment" />
        <section class="page fitment-page">
            <PostErrorNotice action=add lead="Could not add the fitment: " />
            <PostErrorNotice action=remove lead="Could not remove the fitment: " />
            <PostErrorNotice action=universal lead="Could not change the universal mark: " />
            <PostErrorNotice action=add_number lead="Could not add the number: " />
            <PostErrorNotice action=bulk lead="Could not add the rows: " field="rows" />
            <PostErrorNotice action=remove_number lead="Could not remove the number: " />
            <ByIdPage item=editor loading="Loading the fitment…" keep_while_reloading=true render />
        </section>
    }
}

/// The editor's three add forms, each emptied after a successful add.
#[derive(Clone, Copy)]
struct AddForms {
    fitment: NodeRef<leptos::html::Form>,
    bulk: NodeRef<leptos::html::Form>,
    number: NodeRef<leptos::html::Form>,
}

#[component]
fn Editor(
    editor: FitmentOverview,
    add: ServerAction<AddFitment>,
    remove: ServerAction<RemoveFitment>,
    universal: ServerAction<SetPartUniversal>,
    form: NodeRef<leptos::html::Form>,
) -> impl IntoView {
    let FitmentOverview {
        part,
        name,
        universal: is_universal,
        rows,
        makes,
        make,
        models,
        numbers: _,
    } = editor;
    let count = rows.len();
    view! {
        <header>
            <p class="breadcrumbs"><a href="/listings">"Your listings"</a> " / Fitment"</p>
            <h1>"Which vehicles does it fit?"</h1>
            <p class="page-lead">
                <strong>{name}</strong>
                " — customers with a vehicle see whether it fits theirs, and why. Without fitment rows (and not universal), they read “No fitment data from the supplier”."
            </p>
        </header>
        <div class="fitment-universal" data-testid="fitment-universal">
            <ActionForm action=universal>
                <input type="hidden" name="part" value=part.to_string() />
                <input type="hidden" name="universal" value=if is_universal { "0" } else { "1" } />
                {if is_universal {
                    view! {
                        <p><strong>"Universal part:"</strong> " it fits every vehicle, whatever the rows below say."</p>
                        <button type="submit" class="btn btn-ghost">"It is not universal"</button>
                    }
                    .into_any()
                } else {
                    view! {
                        <p>"Fits every vehicle (wiper fluid, a tool, a bulb of a common size)?"</p>
                        <button type="submit" class="btn btn-ghost">"Mark as universal"</button>
                    }
                    .into_any()
                }}
            </ActionForm>
        </div>
        <h2>{format!("Fitment rows ({count})")}</h2>
        {if rows.is_empty() {
            view! { <p class="muted" data-testid="fitment-empty">"No fitment rows yet: add the first below."</p> }.into_any()
        } else {
            view! { <FitmentTable part rows remove /> }.into_any()
        }}
        <h2>"Add a fitment"</h2>
        <Form method="GET" action=format!("/listings/{part}/fitment") attr:class="fitment-make" attr:data-testid="fitment-make">
            <label for="fitment-make">"Make"</label>
            <select id="fitment-make" name="make" on:change=submit_own_form>
                <option value="" selected=make.is_none()>"Choose the make"</option>
                {makes
                    .into_iter()
                    .map(|c| view! { <option value=c.id.to_string() selected=make == Some(c.id)>{c.name}</option> })
                    .collect_view()}
            </select>
            <button type="submit" class="btn btn-ghost picker-next">"Show its models"</button>
        </Form>
        {make.map(|_| view! { <AddForm part models add form /> })}
    }
}

/// Many fitments at once: rows pasted from a spreadsheet or a CSV file, all or nothing, each
/// refused row named by its line.
#[component]
fn BulkForm(
    part: i64,
    bulk: ServerAction<AddFitmentsBulk>,
    form: NodeRef<leptos::html::Form>,
) -> impl IntoView {
    let errors = action_error(bulk);
    let added = move || {
        bulk.value().get().and_then(Result::ok).map(|n| {
            view! {
                <p class="notice notice-success" role="status" data-testid="bulk-added">
                    {if n == 1 { "1 row added.".to_string() } else { format!("{n} rows added.") }}
                </p>
            }
        })
    };
    view! {
        <details class="fitment-more fitment-bulk" data-testid="fitment-bulk">
            <summary>"Add many at once: paste rows or a CSV file"</summary>
            <p class="hint">
                "One fitment a line: make, model, first year, last year, engine litres, position, per vehicle, note. "
                "Separate them with commas, semicolons or tabs (a spreadsheet's copy); all after the first year may be left empty. "
                "Nothing is added unless every row is right."
            </p>
            <pre class="fitment-bulk-example">"Honda,Civic,2012,2015,1.8,front,2
Honda,Accord,2013,2017,,rear,2,Not for the Sport trim
Toyota,Corolla,2014"</pre>
            {added}
            <ActionForm action=bulk node_ref=form attr:class="form" attr:data-testid="fitment-bulk-form">
                <input type="hidden" name="part" value=part.to_string() />
                <Field name="rows" label="Rows" control=Control::TextArea(8) maxlength=200000 errors />
                <SubmitButton pending=bulk.pending() label="Add these rows" busy="Adding…" />
            </ActionForm>
        </details>
    }
}

/// The listing's OEM and cross-reference numbers: the list, each removable, and a form to add
/// one. Customers searching any of them find the part.
#[component]
fn Numbers(
    part: i64,
    numbers: Vec<crate::parts::numbers::PartNumber>,
    add: ServerAction<AddPartNumber>,
    remove: ServerAction<RemovePartNumber>,
    form: NodeRef<leptos::html::Form>,
) -> impl IntoView {
    use crate::parts::numbers::NumberKind;
    let errors = action_error(add);
    let kinds: Vec<(String, String)> = [NumberKind::Oem, NumberKind::Cross]
        .iter()
        .map(|k| (k.as_str().to_string(), k.label().to_string()))
        .collect();
    view! {
        <h2 id="numbers">"OEM and cross-reference numbers"</h2>
        <p class="muted">"The vehicle maker's number for this part, or other makers' numbers for the same part: customers who search any of them find it, with or without separators."</p>
        {if numbers.is_empty() {
            view! { <p class="muted" data-testid="numbers-empty">"No numbers yet."</p> }.into_any()
        } else {
            view! {
                <ul class="number-list" data-testid="part-numbers">
                    {numbers
                        .into_iter()
                        .map(|n| view! {
                            <li>
                                <span class="badge badge-info">{n.kind.label()}</span>
                                " " <strong>{n.maker}</strong> " " <span class="mono">{n.number}</span>
                                <ActionForm action=remove>
                                    <input type="hidden" name="part" value=part.to_string() />
                                    <input type="hidden" name="id" value=n.id.to_string() />
                                    <button type="submit" class="btn btn-ghost btn-small">"Remove"</button>
                                </ActionForm>
                            </li>
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }}
        <ActionForm action=add node_ref=form attr:class="form number-form" attr:data-testid="number-add">
            <input type="hidden" name="part" value=part.to_string() />
            <div class="form-row">
                <Field name="kind" label="Kind" control=Control::Select(kinds) errors />
                <Field name="maker" label="Whose number" placeholder="Honda" maxlength=60 errors />
                <Field name="number" label="Number as printed" placeholder="45022-TR0-A00" maxlength=60 errors />
            </div>
            <SubmitButton pending=add.pending() label="Add number" busy="Adding…" />
        </ActionForm>
    }
}

/// Submits the form a select belongs to (choosing the make shows its models).
fn submit_own_form(ev: leptos::ev::Event) {
    let select = event_target::<web_sys::HtmlSelectElement>(&ev);
    if let Some(form) = select.form() {
        let _ = form.request_submit();
    }
}

#[component]
fn FitmentTable(
    part: i64,
    rows: Vec<FitmentRow>,
    remove: ServerAction<RemoveFitment>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="listings-table fitment-table" data-testid="fitment-rows">
                <thead>
                    <tr>
                        <th scope="col">"Vehicle"</th>
                        <th scope="col">"Years"</th>
                        <th scope="col">"Engine"</th>
                        <th scope="col">"Position"</th>
                        <th scope="col">"Per vehicle"</th>
                        <th scope="col">"Conditions"</th>
                        <th scope="col"><span class="visually-hidden">"Remove"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            let engine = row
                                .liters_x10
                                .map_or_else(|| "Every engine".to_string(), super::liters);
                            let conditions = row.qualifiers.conditions().join("; ");
                            view! {
                                <tr>
                                    <td>{format!("{} {}", row.make, row.model)}</td>
                                    <td>{row.years()}</td>
                                    <td>{engine}</td>
                                    <td>{row.position.phrase().unwrap_or("Any")}</td>
                                    <td>{row.quantity}</td>
                                    <td>{conditions}</td>
                                    <td>
                                        <ActionForm action=remove>
                                            <input type="hidden" name="part" value=part.to_string() />
                                            <input type="hidden" name="id" value=row.id.to_string() />
                                            <button type="submit" class="btn btn-ghost btn-small">"Remove"</button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn AddForm(
    part: i64,
    models: Vec<crate::vehicles::Choice>,
    add: ServerAction<AddFitment>,
    form: NodeRef<leptos::html::Form>,
) -> impl IntoView {
    let errors = action_error(add);
    let models: Vec<(String, String)> = std::iter::once((String::new(), "Choose the model".into()))
        .chain(models.into_iter().map(|c| (c.id.to_string(), c.name)))
        .collect();
    let positions: Vec<(String, String)> = Position::ALL
        .iter()
        .map(|p| {
            (
                p.as_str().to_string(),
                p.phrase().unwrap_or("Any position").to_string(),
            )
        })
        .collect();
    let drives: Vec<(String, String)> = Drive::ALL
        .iter()
        .map(|d| (d.as_str().to_string(), d.label().to_string()))
        .collect();
    view! {
        <ActionForm action=add node_ref=form attr:class="form fitment-form" attr:data-testid="fitment-add">
            <input type="hidden" name="part" value=part.to_string() />
            <Field name="model" label="Model" control=Control::Select(models) errors />
            <div class="form-row">
                <Field name="year_from" label="First model year" inputmode="numeric" placeholder="2012" maxlength=4 errors />
                <Field name="year_to" label="Last model year" inputmode="numeric" placeholder="2015" maxlength=4 required=false hint="Empty: the first year only." errors />
            </div>
            <div class="form-row">
                <Field name="liters" label="Engine size (litres)" inputmode="decimal" placeholder="1.8" maxlength=6 required=false hint="Empty: every engine." errors />
                <Field name="position" label="Position" control=Control::Select(positions) required=false errors />
                <Field name="quantity" label="Per vehicle" inputmode="numeric" initial="1" maxlength=2 errors />
            </div>
            <details class="fitment-more">
                <summary>"Conditions: body, drive, production months, note"</summary>
                <div class="form-row">
                    <Field name="body" label="Body" placeholder="Sedan" maxlength=40 required=false errors />
                    <Field name="drive" label="Drive" control=Control::Select(drives) required=false errors />
                </div>
                <div class="form-row">
                    <Field name="built_from" label="Built from (month)" placeholder="2014-03" maxlength=7 required=false errors />
                    <Field name="built_to" label="Built up to (month)" placeholder="2015-08" maxlength=7 required=false errors />
                </div>
                <Field name="note" label="Note" maxlength=200 required=false errors />
            </details>
            <SubmitButton pending=add.pending() label="Add fitment" busy="Adding…" />
        </ActionForm>
    }
}

/// Whether the part of the route's `:id` fits the customer's vehicle ([`PartFit`] shows it),
/// loaded again when the vehicle changes. Made with the part's own resource, the two requests
/// go together, not one after the other; no answer (`None`) for an id that is not a number.
pub fn fit_answer_of(
    id: impl Fn() -> RouteId + Copy + Send + Sync + 'static,
) -> Resource<Result<Option<FitAnswer>, AppError>> {
    let vehicle = use_vehicle();
    Resource::new(
        move || (id(), vehicle.changes()),
        |(id, _)| async move {
            match id {
                RouteId::Number(part) => fitment_answer(part).await,
                RouteId::Absent | RouteId::Malformed => Ok(None),
            }
        },
    )
}

/// On a part page: whether the part fits the customer's vehicle, and why ([`fit_answer_of`]);
/// with the engine choice right there when the answer depends on it, or a link to choose a
/// vehicle.
#[component]
pub fn PartFit(part: i64, answer: Resource<Result<Option<FitAnswer>, AppError>>) -> impl IntoView {
    let here = format!("/parts/{part}");
    view! {
        <Transition fallback=|| ()>
            {move || {
                let here = here.clone();
                Suspend::new(async move {
                    match answer.await {
                        Ok(None) => view! {
                            <div class="fit fit-none" data-testid="fit-answer">
                                <p>"Does it fit your car? "
                                    <a href=format!("/vehicle?next={here}")>"Choose your vehicle"</a>
                                    " and every part says, with the reason."
                                </p>
                            </div>
                        }
                        .into_any(),
                        Ok(Some(fit)) => {
                            let engines = fit.engines.clone();
                            let change = format!("/vehicle?next={here}");
                            view! {
                                <div class=fit.kind.css_class() data-testid="fit-answer">
                                    <p class="fit-sentence">{fit.sentence.clone()}</p>
                                    {(fit.kind == FitKind::NeedsEngine && !engines.is_empty()).then(|| view! {
                                        <EngineChoice
                                            vehicle=fit.vehicle_id
                                            engines=engines.clone()
                                            next=here.clone()
                                            legend="Your engine"
                                            button="Check this engine"
                                            class="fit-engine"
                                            testid="fit-engine-form"
                                        />
                                    })}
                                    <p class="fit-change">
                                        <a href=change>"Not your vehicle? Change it"</a>
                                    </p>
                                </div>
                            }
                            .into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// "Which engine is yours?": the vehicle's engines to choose from, which sets the vehicle
/// cookie with that engine and comes back to `next` (a plain post without JavaScript). On a
/// part page's answer and above the catalogue's results.
#[component]
pub fn EngineChoice(
    vehicle: i64,
    engines: Vec<crate::vehicles::Engine>,
    next: String,
    legend: &'static str,
    button: &'static str,
    class: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let set = use_vehicle().set;
    view! {
        <ActionForm action=set attr:class=class attr:data-testid=testid>
            <input type="hidden" name="vehicle" value=vehicle.to_string() />
            <input type="hidden" name="next" value=next />
            <fieldset>
                <legend>{legend}</legend>
                {engines
                    .iter()
                    .map(|e| view! {
                        <label class="radio">
                            <input type="radio" name="engine" value=e.id.to_string() required=true />
                            " " {e.label()}
                        </label>
                    })
                    .collect_view()}
            </fieldset>
            <button type="submit" class="btn btn-primary">{button}</button>
        </ActionForm>
    }
}
