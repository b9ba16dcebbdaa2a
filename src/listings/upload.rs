//! The listing form's POST: a plain multipart form (it carries a picture, which server
//! functions posted by HTML forms cannot), so it works with and without JavaScript.
//!
//! On success it redirects to `/listings`; on any error it renders the form page again with
//! the values as typed and each message beside its field (status 422).

use super::{db as listings_db, ListingFormState, ListingInput, SubmittedListing};
use crate::{
    auth::backend::AuthSession,
    error::{AppError, FieldError},
    media::images::{self, MAX_UPLOAD_BYTES},
    parts::db::{self as parts_db, NewPart, PartFields},
    server::{
        audit,
        ctx::Ctx,
        pages::{self, error_page},
        state::AppState,
        throttle::Action,
    },
};
use axum::{
    body::Body,
    extract::{FromRequest, Multipart, Path, Request, State},
    http::{header, Method, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use leptos::prelude::provide_context;

/// Longest text accepted in any one text field (the rules allow far less; this bounds memory).
const MAX_TEXT_FIELD_BYTES: usize = 64 * 1024;

/// `POST /listings/new`.
pub async fn create_listing(
    State(state): State<AppState>,
    auth: AuthSession,
    request: Request,
) -> Response {
    save_listing(state, auth, None, request).await
}

/// `POST /listings/{id}/edit`.
pub async fn update_listing(
    State(state): State<AppState>,
    auth: AuthSession,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    match id.parse::<i64>() {
        Ok(id) => save_listing(state, auth, Some(id), request).await,
        // Not a listing: the page renders its 404.
        Err(_) => render_page(&state, request.into_parts().0, None).await,
    }
}

async fn save_listing(
    state: AppState,
    auth: AuthSession,
    id: Option<i64>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    // Visitors and customers get the page itself, which sends them to log in or explains.
    let cx = match Ctx::for_handler(state.clone(), auth, &parts).require_supplier() {
        Ok(cx) => cx,
        Err(_) => return render_page(&state, parts, None).await,
    };
    let user = &cx.user;
    if let Err(AppError::RateLimited(wait)) = cx.limit(Action::UploadByUser).await {
        return pages::too_many(
            wait,
            "Too many uploads",
            "/listings",
            "Back to your listings",
        );
    }
    let old_image = match id {
        Some(id) => match listings_db::owned_image_key(cx.pool(), id, user.id).await {
            Ok(Some(key)) => key,
            Ok(None) => {
                audit::access_refused(user.id, "listing", id);
                return render_page(&state, parts, None).await;
            }
            Err(e) => return error_page(e.into()),
        },
        None => None,
    };

    let mut form = ListingFormState {
        id,
        image_key: old_image.clone(),
        ..Default::default()
    };
    let upload = match read_form(&state, Request::from_parts(parts.clone(), body)).await {
        Ok((input, upload)) => {
            form.input = input;
            upload
        }
        Err(message) => {
            form.form_error = Some(message);
            None
        }
    };

    let fields = match form.input.parse() {
        Ok(fields) => Some(fields),
        Err(AppError::Validation(errors)) => {
            form.errors = errors;
            None
        }
        Err(_) => None,
    };
    // The photo is decoded only for a form that is otherwise valid: decoding is the costly
    // part, and a form sent back for corrections needs the photo chosen again anyway.
    let fields_ok = fields.is_some() && form.errors.is_empty() && form.form_error.is_none();
    let picture = match upload {
        Some(bytes) if bytes.len() > MAX_UPLOAD_BYTES => {
            let e = images::ImageError::TooLarge;
            audit::upload_refused(user.id, e.reason());
            form.errors.push(FieldError::new("image", e.to_string()));
            None
        }
        Some(_) if !fields_ok => {
            form.errors.push(FieldError::new(
                "image",
                "Choose the photo again once the other fields are corrected.",
            ));
            None
        }
        Some(bytes) => match images::process_limited(bytes).await {
            Ok(picture) => Some(picture),
            Err(e) => {
                audit::upload_refused(user.id, e.reason());
                form.errors.push(FieldError::new("image", e.to_string()));
                None
            }
        },
        None => None,
    };
    let Some(fields) = fields.filter(|_| form.errors.is_empty() && form.form_error.is_none())
    else {
        if form.form_error.is_none() {
            form.form_error = Some("Please correct the highlighted fields.".into());
        }
        return render_page(&state, parts, Some(form)).await;
    };

    // Store the new picture first, under a fresh name; the database then points at it. A
    // picture that cannot be stored (disk full, bucket down) stops here: nothing is saved, the
    // listing and its old picture stay as they were.
    let storage = &state.storage;
    let new_key = match picture {
        Some(picture) => match storage.store(picture).await {
            Ok(key) => Some(key),
            Err(e) => {
                tracing::error!(error = %e, storage = %storage.describe(), "storing a picture failed");
                return error_page(AppError::Internal);
            }
        },
        None => None,
    };
    let part_fields = PartFields {
        name: &fields.name,
        manufacturer: &fields.manufacturer,
        model: &fields.model,
        description: &fields.description,
        price: fields.price,
        stock: fields.stock,
        delivery: fields.delivery,
    };
    let saved = match id {
        None => parts_db::insert_part(
            cx.pool(),
            &NewPart {
                supplier_id: user.id,
                fields: part_fields.clone(),
                image_key: new_key.as_deref(),
            },
        )
        .await
        .map(Some),
        Some(id) => {
            listings_db::update_owned_part(cx.pool(), id, user.id, &part_fields, new_key.as_deref())
                .await
                .map(|changed| changed.then_some(id))
        }
    };
    match saved {
        Ok(Some(part_id)) => {
            // The replaced picture's files are no longer referenced.
            if let (Some(_), Some(old)) = (&new_key, &old_image) {
                storage.remove(old).await;
            }
            tracing::info!(part.id = part_id, supplier.id = user.id, "listing saved");
            Redirect::to(&format!("/listings?saved={part_id}")).into_response()
        }
        other => {
            if let Some(key) = &new_key {
                storage.remove(key).await;
            }
            match other {
                Err(e) => error_page(e.into()),
                // Deleted or taken away between the check and the write.
                _ => render_page(&state, parts, None).await,
            }
        }
    }
}

/// Reads the text fields and the picture (if one was chosen), counting the picture's bytes as
/// they arrive so an oversized upload is refused without being held in memory.
async fn read_form(
    state: &AppState,
    request: Request,
) -> Result<(ListingInput, Option<Vec<u8>>), String> {
    let unreadable = |status: StatusCode| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            "The upload is far larger than 5 MB. Please choose a smaller photo.".to_string()
        } else {
            "The form could not be read completely. Please try again.".to_string()
        }
    };
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|e| unreadable(e.status()))?;
    let mut input = ListingInput::default();
    let mut image = None;
    let mut too_large = false;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| unreadable(e.status()))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let limit = if name == "image" {
            MAX_UPLOAD_BYTES
        } else {
            MAX_TEXT_FIELD_BYTES
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(e.status()))? {
            if bytes.len() + chunk.len() > limit {
                if name == "image" {
                    too_large = true;
                    break;
                }
                return Err(unreadable(StatusCode::BAD_REQUEST));
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "name" => input.name = text(),
            "manufacturer" => input.manufacturer = text(),
            "model" => input.model = text(),
            "description" => input.description = text(),
            "price" => input.price = text(),
            "stock" => input.stock = text(),
            "delivery" => input.delivery = text(),
            // An empty file input sends an empty part: no new picture.
            "image" if !bytes.is_empty() || too_large => image = Some(bytes),
            _ => {}
        }
        if too_large {
            break;
        }
    }
    if too_large {
        // Marked by a buffer one byte over the limit, so the image check reports the size.
        image = Some(vec![0; MAX_UPLOAD_BYTES + 1]);
    }
    Ok((input, image))
}

/// Renders the listing page for the request's path, with `submitted` (values and errors) if
/// given, as the answer to the POST.
async fn render_page(
    state: &AppState,
    parts: axum::http::request::Parts,
    submitted: Option<ListingFormState>,
) -> Response {
    let status = if submitted.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut request = Request::from_parts(parts, Body::empty());
    *request.method_mut() = Method::GET;
    request.headers_mut().remove(header::CONTENT_TYPE);
    request.headers_mut().remove(header::CONTENT_LENGTH);
    let mut response = pages::render(state, request, move || {
        if let Some(form) = submitted.clone() {
            provide_context(SubmittedListing(form));
        }
    })
    .await;
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}
