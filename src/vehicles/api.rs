//! Server functions of the vehicle picker and the active vehicle.

use super::{Garage, PickerChoices, Vehicle};
#[cfg(feature = "ssr")]
use super::{TypedVehicle, VehicleCookie};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::ctx::Ctx;

/// The picker's lists for the choices made so far (all optional; a choice that does not
/// exist simply offers nothing after it). Anyone may call it.
#[server(endpoint = "vehicle_choices")]
pub async fn vehicle_choices(
    year: Option<i64>,
    make: Option<i64>,
    model: Option<i64>,
) -> Result<PickerChoices, AppError> {
    use super::db;
    let cx = Ctx::public()?;
    let pool = cx.read_pool();
    let mut choices = PickerChoices {
        years: db::years(pool).await?,
        ..PickerChoices::default()
    };
    let Some(year) = year.filter(|y| choices.years.contains(y)) else {
        return Ok(choices);
    };
    choices.makes = db::makes(pool, year).await?;
    let Some(make) = make.filter(|m| choices.makes.iter().any(|c| c.id == *m)) else {
        return Ok(choices);
    };
    choices.models = db::models(pool, year, make).await?;
    if let Some(model) = model.filter(|m| choices.models.iter().any(|c| c.id == *m)) {
        choices.engines = db::engines(pool, model).await?;
    }
    Ok(choices)
}

/// The caller's active vehicle (from the vehicle cookie), if it names one that exists.
/// Anyone may call it.
#[server(endpoint = "active_vehicle")]
pub async fn active_vehicle() -> Result<Option<Vehicle>, AppError> {
    let cx = Ctx::public()?;
    cookie_vehicle(&cx).await
}

/// The vehicle the request's vehicle cookie names, if it exists (for the functions of other
/// features that answer for it, such as fitment).
#[cfg(feature = "ssr")]
pub async fn cookie_vehicle<U>(cx: &Ctx<U>) -> Result<Option<Vehicle>, AppError> {
    Ok(cookie_vehicle_target(cx).await?.map(|(vehicle, _)| vehicle))
}

/// [`cookie_vehicle`] with what fitment rows are checked against for it, in one query.
#[cfg(feature = "ssr")]
pub async fn cookie_vehicle_target<U>(
    cx: &Ctx<U>,
) -> Result<Option<(Vehicle, crate::fitment::Target)>, AppError> {
    use crate::server::cookies::request_cookie;
    use crate::server::memo::RequestMemo;
    let Some(parts) = use_context::<axum::http::request::Parts>() else {
        return Ok(None);
    };
    let Some(cookie) = request_cookie(
        &parts.headers,
        super::VEHICLE_COOKIE,
        cx.config().secure_cookies,
    )
    .as_deref()
    .and_then(super::parse_vehicle_cookie) else {
        return Ok(None);
    };
    let (vehicle, engine) = match cookie {
        VehicleCookie::Listed(vehicle, engine) => (vehicle, engine),
        VehicleCookie::Typed(typed) => {
            let target = crate::fitment::Target::typed(typed.year);
            return Ok(Some((typed.vehicle(), target)));
        }
    };
    let pool = cx.read_pool();
    let found = RequestMemo::once(|| async {
        let found = super::db::vehicle_of_model(pool, vehicle, engine).await?;
        Ok::<_, AppError>(CookieVehicle(found.map(|(vehicle, model_id)| {
            let target = crate::fitment::Target::of(&vehicle, model_id);
            (vehicle, target)
        })))
    })
    .await?;
    Ok(found.0)
}

/// The vehicle the request's cookie names, read once per request (the header and the page's
/// answers both ask for it).
#[cfg(feature = "ssr")]
#[derive(Clone)]
struct CookieVehicle(Option<(Vehicle, crate::fitment::Target)>);

#[cfg(feature = "ssr")]
fn set_vehicle_cookie<U>(cx: &Ctx<U>, value: Option<&str>) {
    let secure = cx.config().secure_cookies;
    let name = crate::server::cookies::cookie_name(super::VEHICLE_COOKIE, secure);
    let cookie = match value {
        Some(value) => format!("{name}={value}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax"),
        None => format!("{name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
    } + if secure { "; Secure" } else { "" };
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::HeaderValue::from_str(&cookie),
    ) {
        response.append_header(axum::http::header::SET_COOKIE, value);
    }
}

/// Makes `vehicle` (a model year from the picker) with `engine` (one of its engines; none or 0:
/// "not sure") the caller's active vehicle, then goes to `next` (a path on this site; the
/// catalogue by default). Anyone may call it.
#[server(endpoint = "set_vehicle")]
pub async fn set_vehicle(
    vehicle: i64,
    engine: Option<i64>,
    next: Option<String>,
) -> Result<Vehicle, AppError> {
    let cx = Ctx::anyone().await?;
    let engine = engine.filter(|e| *e != 0);
    let Some(found) = super::db::vehicle(cx.pool(), vehicle, engine).await? else {
        return Err(AppError::field(
            "vehicle",
            "We do not know this vehicle. Choose the year, make and model again.",
        ));
    };
    if engine.is_some() && found.engine.is_none() {
        return Err(AppError::field(
            "engine",
            "This engine was not built into that vehicle. Choose one of its engines.",
        ));
    }
    choose(&cx, found, next).await
}

/// Makes the vehicle of a VIN the caller's active vehicle (its engine too, when the data
/// tells it and the vehicle tables have that size), then goes to `next` (a path on this site;
/// the catalogue by default). A VIN that fails its checks, that the data does not know, or
/// whose vehicle the vehicle tables lack, is refused with what to do instead. Anyone may call
/// it.
#[server(endpoint = "vehicle_by_vin")]
pub async fn vehicle_by_vin(vin: String, next: Option<String>) -> Result<Vehicle, AppError> {
    use super::vin::{decode, Vin};
    let cx = Ctx::anyone().await?;
    if vin.len() > 100 {
        return Err(AppError::field(
            "vin",
            super::vin::VinError::Length(vin.chars().count()).to_string(),
        ));
    }
    let vin = Vin::parse(&vin).map_err(|e| AppError::field("vin", e.to_string()))?;
    let decoded = decode(&vin).map_err(|e| AppError::field("vin", e.to_string()))?;
    let pool = cx.pool();
    let Some(vehicle_id) =
        super::db::model_year_named(pool, decoded.year, &decoded.make, &decoded.model).await?
    else {
        return Err(AppError::field(
            "vin",
            format!(
                "This VIN is a {}, which our vehicle list does not have. Choose the closest by \
                 year, make and model, or type your vehicle in.",
                decoded.name()
            ),
        ));
    };
    // The engine with that code; else of that size (and cylinder count, when several share
    // the size).
    let engines = super::db::engines(pool, vehicle_id).await?;
    let by_code = decoded.engine_code.as_deref().and_then(|code| {
        engines
            .iter()
            .find(|e| e.code.eq_ignore_ascii_case(code))
            .map(|e| e.id)
    });
    let engine = by_code.or_else(|| {
        let liters = decoded.liters_x10?;
        let sized: Vec<_> = engines.iter().filter(|e| e.liters_x10 == liters).collect();
        sized
            .iter()
            .find(|e| Some(e.cylinders) == decoded.cylinders)
            .or(sized.first())
            .map(|e| e.id)
    });
    let Some(found) = super::db::vehicle(pool, vehicle_id, engine).await? else {
        return Err(AppError::Internal);
    };
    choose(&cx, found, next).await
}

/// Makes a vehicle the vehicle list does not have, as the customer typed it (year, make,
/// model: [`TypedVehicle::new`]), the caller's active vehicle, then goes to `next` (a path on
/// this site; the catalogue by default). Parts cannot be checked against it, so each says
/// what it is made for. When the list has that year, make and model after all (any case),
/// that model year is chosen instead and every part answers for it. Anyone may call it.
#[server(endpoint = "set_typed_vehicle")]
pub async fn set_typed_vehicle(
    year: String,
    make: String,
    model: String,
    next: Option<String>,
) -> Result<Vehicle, AppError> {
    let cx = Ctx::anyone().await?;
    if year.len() + make.len() + model.len() > 1000 {
        return Err(AppError::field("model", "That vehicle is too long."));
    }
    let typed = TypedVehicle::new(&year, &make, &model, next_model_year())
        .map_err(|(field, message)| AppError::field(field, message))?;
    let pool = cx.pool();
    let listed = super::db::model_year_named(pool, typed.year, &typed.make, &typed.model).await?;
    let vehicle = match listed {
        Some(id) => super::db::vehicle(pool, id, None)
            .await?
            .ok_or(AppError::Internal)?,
        None => typed.vehicle(),
    };
    choose(&cx, vehicle, next).await
}

/// Makes `vehicle` (checked by the caller) the active one: kept in a logged-in caller's
/// garage, set in the cookie, then on to `next` (a path on this site; the catalogue by
/// default).
#[cfg(feature = "ssr")]
async fn choose(cx: &Ctx, vehicle: Vehicle, next: Option<String>) -> Result<Vehicle, AppError> {
    let chosen = vehicle.cookie();
    if let Some(user) = &cx.user {
        keep_in_garage(cx.pool(), user.id, &chosen).await?;
    }
    set_vehicle_cookie(cx, Some(&chosen.value()));
    let next = crate::auth::safe_next_path(next.as_deref().or(Some("/catalogue")));
    leptos_axum::redirect(&next);
    Ok(vehicle)
}

/// The latest model year a typed-in vehicle may have: next year's models are on sale from
/// the middle of this one.
#[cfg(feature = "ssr")]
fn next_model_year() -> i64 {
    // Days since 1970 to a year, good to the day for the range that matters here.
    1970 + crate::time::unix_now().div_euclid(86_400) * 400 / 146_097 + 1
}

/// Forgets the caller's active vehicle, then goes to `next` (a path on this site; the home
/// page by default). Anyone may call it.
#[server(endpoint = "forget_vehicle")]
pub async fn forget_vehicle(next: Option<String>) -> Result<(), AppError> {
    let cx = Ctx::public()?;
    set_vehicle_cookie(&cx, None);
    leptos_axum::redirect(&crate::auth::safe_next_path(next.as_deref()));
    Ok(())
}

/// Keeps a vehicle (that exists, or was typed in and checked) in a user's garage as the one
/// used last.
#[cfg(feature = "ssr")]
async fn keep_in_garage(
    pool: &crate::server::db::DbPool,
    user_id: i64,
    vehicle: &VehicleCookie,
) -> Result<(), AppError> {
    let mut tx = crate::server::db::begin_write(pool, Some(user_id)).await?;
    let now = crate::time::unix_now();
    match vehicle {
        VehicleCookie::Listed(vehicle_id, engine_id) => {
            super::garage::keep(&mut tx, user_id, *vehicle_id, *engine_id, now).await?
        }
        VehicleCookie::Typed(typed) => {
            super::garage::keep_typed(&mut tx, user_id, typed, now).await?
        }
    }
    tx.commit().await?;
    Ok(())
}

/// At login: the vehicle chosen before logging in is kept in the garage (and stays active);
/// without one, the garage's most recently used vehicle becomes active. Called by `login`.
#[cfg(feature = "ssr")]
pub async fn garage_at_login<U>(cx: &Ctx<U>, user_id: i64) -> Result<(), AppError> {
    if let Some(vehicle) = cookie_vehicle(cx).await? {
        return keep_in_garage(cx.pool(), user_id, &vehicle.cookie()).await;
    }
    let mut conn = cx.pool().acquire().await?;
    if let Some(last) = super::garage::list(&mut conn, user_id).await?.first() {
        set_vehicle_cookie(cx, Some(&last.value()));
    }
    Ok(())
}

/// The caller's garage: the vehicles kept, most recently used first, and which is active;
/// `None` for a visitor (who has only the active vehicle).
#[server(endpoint = "my_garage")]
pub async fn my_garage() -> Result<Option<Garage>, AppError> {
    let cx = Ctx::anyone().await?;
    let Some(user) = &cx.user else {
        return Ok(None);
    };
    let mut conn = cx.pool().acquire().await?;
    let mut vehicles = Vec::new();
    for kept in super::garage::list(&mut conn, user.id).await? {
        match kept {
            VehicleCookie::Listed(vehicle, engine) => {
                if let Some(found) = super::db::vehicle(&mut *conn, vehicle, engine).await? {
                    vehicles.push(found);
                }
            }
            VehicleCookie::Typed(typed) => vehicles.push(typed.vehicle()),
        }
    }
    drop(conn);
    let active = cookie_vehicle(&cx).await?.map(|v| v.garage_key());
    Ok(Some(Garage { vehicles, active }))
}

/// Takes a vehicle (its [`Vehicle::garage_key`]) out of the caller's garage (the active
/// vehicle stays active on this device until another is chosen), then goes to `next` (a path
/// on this site; the vehicle page by default). Logged-in users only.
#[server(endpoint = "remove_from_garage")]
pub async fn remove_from_garage(vehicle: String, next: Option<String>) -> Result<(), AppError> {
    let cx = Ctx::user().await?;
    let Some(kept) = super::parse_vehicle_cookie(vehicle.trim()) else {
        return Err(AppError::BadRequest(
            "That is not a vehicle of a garage.".into(),
        ));
    };
    if !super::garage::remove(cx.pool(), cx.user.id, &kept).await? {
        return Err(AppError::NotFound(
            "That vehicle is not in your garage.".into(),
        ));
    }
    leptos_axum::redirect(&crate::auth::safe_next_path(
        next.as_deref().or(Some("/vehicle")),
    ));
    Ok(())
}
