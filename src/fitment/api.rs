//! Server functions of fitment: the supplier's editor (suppliers only, their own listings
//! only: anybody else's part is "not found") and the answer a part page gives for the
//! customer's active vehicle (anyone).

// `add_fitment` takes the editor's fields one by one (plain form names, with and without
// JavaScript); the server macro repeats them in the browser's function, where an `allow` on
// the function does not reach.
#![allow(clippy::too_many_arguments)]

use super::{FitAnswer, FitmentOverview};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::ctx::Ctx;

/// The answer for a part that is not the caller's (or does not exist), logged as a security
/// event: the same words either way.
#[cfg(feature = "ssr")]
fn not_yours(supplier_id: i64, part_id: i64) -> AppError {
    crate::server::audit::access_refused(supplier_id, "fitment", part_id);
    AppError::NotFound("No such listing in your shop.".into())
}

/// The fitment editor of one of the caller's listings: its fitments, its universal mark, the
/// makes, and the models of `make` when one is chosen.
#[server(endpoint = "fitment_editor")]
pub async fn fitment_editor(part: i64, make: Option<i64>) -> Result<FitmentOverview, AppError> {
    use super::db;
    let cx = Ctx::supplier().await?;
    let pool = cx.pool();
    let Some((name, universal)) = db::owned_part(pool, part, cx.user.id).await? else {
        return Err(not_yours(cx.user.id, part));
    };
    let makes = db::makes(pool).await?;
    let make = make.filter(|m| makes.iter().any(|c| c.id == *m));
    let models = match make {
        Some(make) => db::models_of(pool, make).await?,
        None => Vec::new(),
    };
    Ok(FitmentOverview {
        part,
        name,
        universal,
        rows: db::rows_of(pool, part).await?,
        makes,
        make,
        models,
        numbers: crate::parts::numbers::db::of_part(pool, part).await?,
    })
}

/// Adds an OEM or cross-reference number (`kind` "oem" or "cross") to one of the caller's
/// listings; searching the number (separators and case aside) then finds the part.
#[server(endpoint = "add_part_number")]
pub async fn add_part_number(
    part: i64,
    kind: String,
    maker: String,
    number: String,
) -> Result<i64, AppError> {
    use crate::parts::numbers::{db, NewNumber, MAX_PER_PART};
    let cx = Ctx::supplier().await?;
    let new = NewNumber::parse(&kind, &maker, &number)
        .map_err(|(field, message)| AppError::field(field, message))?;
    match db::add(cx.pool(), part, cx.user.id, &new).await? {
        db::AddedNumber::Id(id) => Ok(id),
        db::AddedNumber::Duplicate => Err(AppError::field(
            "number",
            "This listing carries that number already.",
        )),
        db::AddedNumber::Full => Err(AppError::field(
            "number",
            format!("A listing carries up to {MAX_PER_PART} numbers."),
        )),
        db::AddedNumber::NotYours => Err(not_yours(cx.user.id, part)),
    }
}

/// Removes number `id` from one of the caller's listings.
#[server(endpoint = "remove_part_number")]
pub async fn remove_part_number(part: i64, id: i64) -> Result<(), AppError> {
    let cx = Ctx::supplier().await?;
    if crate::parts::numbers::db::remove(cx.pool(), part, cx.user.id, id).await? {
        Ok(())
    } else {
        Err(not_yours(cx.user.id, part))
    }
}

/// Adds a fitment to one of the caller's listings. The model must exist and have been built in
/// the years named, and an engine size must be one of that model's in those years (when the
/// vehicle data knows its engines).
#[server(endpoint = "add_fitment")]
pub async fn add_fitment(
    part: i64,
    model: String,
    year_from: String,
    year_to: String,
    liters: String,
    position: String,
    quantity: String,
    body: String,
    drive: String,
    built_from: String,
    built_to: String,
    note: String,
) -> Result<i64, AppError> {
    use super::{db, input::FitmentInput};
    let cx = Ctx::supplier().await?;
    let input = FitmentInput {
        model,
        year_from,
        year_to,
        liters,
        position,
        quantity,
        body,
        drive,
        built_from,
        built_to,
        note,
    };
    let new = input
        .parse()
        .map_err(|(field, message)| AppError::field(field, message))?;
    let pool = cx.pool();
    if db::owned_part(pool, part, cx.user.id).await?.is_none() {
        return Err(not_yours(cx.user.id, part));
    }
    db::check_vehicle_range(pool, &new)
        .await?
        .map_err(|(field, message)| AppError::field(field, message))?;
    match db::add(pool, part, cx.user.id, &new).await? {
        db::Added::Id(id) => Ok(id),
        db::Added::Full => Err(AppError::field(
            "model",
            format!(
                "A listing holds up to {} fitments. Remove some, or mark the part universal.",
                db::MAX_PER_PART
            ),
        )),
        db::Added::NotYours => Err(not_yours(cx.user.id, part)),
    }
}

/// Adds many fitments to one of the caller's listings at once, from pasted or CSV rows
/// ([`super::input::parse_bulk`]: make, model, first year, last year, engine litres, position,
/// per vehicle, note; makes and models by name). All or nothing: any row the vehicle tables
/// refuse is named by its line, and nothing is added. Returns how many were added.
#[server(endpoint = "add_fitments_bulk")]
pub async fn add_fitments_bulk(part: i64, rows: String) -> Result<usize, AppError> {
    use super::{db, input};
    let cx = Ctx::supplier().await?;
    if rows.len() > 200_000 {
        return Err(AppError::field(
            "rows",
            "That is more than we take at once (200 KB): send at most 1,000 rows.",
        ));
    }
    let pool = cx.pool();
    if db::owned_part(pool, part, cx.user.id).await?.is_none() {
        return Err(not_yours(cx.user.id, part));
    }
    let lines = input::parse_bulk(&rows)
        .map_err(|problems| AppError::field("rows", input::bulk_message(&problems)))?;
    let mut models: std::collections::HashMap<(String, String), Option<i64>> =
        std::collections::HashMap::new();
    let mut problems = Vec::new();
    let mut checked = Vec::with_capacity(lines.len());
    for line in lines {
        let names = (line.make.to_lowercase(), line.model.to_lowercase());
        let model = match models.get(&names) {
            Some(found) => *found,
            None => {
                let found = db::model_named(pool, &line.make, &line.model).await?;
                models.insert(names, found);
                found
            }
        };
        let Some(model) = model else {
            problems.push(format!(
                "Line {}: this make and model are not in our vehicle list (spell them as the \
                 editor's lists do).",
                line.line
            ));
            continue;
        };
        let new = match (input::FitmentInput {
            model: model.to_string(),
            ..line.input
        })
        .parse()
        {
            Ok(new) => new,
            Err((_, message)) => {
                problems.push(format!("Line {}: {message}", line.line));
                continue;
            }
        };
        match db::check_vehicle_range(pool, &new).await? {
            Ok(()) => checked.push(new),
            Err((_, message)) => problems.push(format!("Line {}: {message}", line.line)),
        }
    }
    if !problems.is_empty() {
        return Err(AppError::field("rows", input::bulk_message(&problems)));
    }
    match db::add_many(pool, part, cx.user.id, &checked).await? {
        db::Added::Id(_) => Ok(checked.len()),
        db::Added::Full => Err(AppError::field(
            "rows",
            format!(
                "Nothing was added: a listing holds up to {} fitments, and these {} rows would \
                 pass that. Remove some, or mark the part universal.",
                db::MAX_PER_PART,
                checked.len()
            ),
        )),
        db::Added::NotYours => Err(not_yours(cx.user.id, part)),
    }
}

/// Removes a fitment from one of the caller's listings.
#[server(endpoint = "remove_fitment")]
pub async fn remove_fitment(part: i64, id: i64) -> Result<(), AppError> {
    let cx = Ctx::supplier().await?;
    if super::db::remove(cx.pool(), part, id, cx.user.id).await? {
        Ok(())
    } else {
        Err(not_yours(cx.user.id, part))
    }
}

/// Marks one of the caller's listings universal (`universal` = "1": it fits every vehicle) or
/// not.
#[server(endpoint = "set_part_universal")]
pub async fn set_part_universal(part: i64, universal: String) -> Result<(), AppError> {
    let cx = Ctx::supplier().await?;
    let universal = match universal.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::BadRequest("Universal is 1 or 0.".into())),
    };
    if super::db::set_universal(cx.pool(), part, cx.user.id, universal).await? {
        Ok(())
    } else {
        Err(not_yours(cx.user.id, part))
    }
}

/// Whether a listed part fits the caller's active vehicle, and why; `None` without an active
/// vehicle. Anyone may call it.
#[server(endpoint = "fitment_answer")]
pub async fn fitment_answer(part: i64) -> Result<Option<FitAnswer>, AppError> {
    let cx = Ctx::public()?;
    let Some((vehicle, target)) = crate::vehicles::api::cookie_vehicle_target(&cx).await? else {
        return Ok(None);
    };
    let pool = cx.read_pool();
    let Some(answer) = super::db::answer(pool, part, &target).await? else {
        return Err(AppError::NotFound(
            "This part is not (or no longer) listed.".into(),
        ));
    };
    let engines = match answer {
        super::Answer::NeedsEngine { .. } => crate::vehicles::db::engines(pool, vehicle.id).await?,
        _ => Vec::new(),
    };
    Ok(Some(FitAnswer::new(&vehicle, answer, engines)))
}
