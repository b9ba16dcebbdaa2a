//! The active vehicle and the actions that change it, shared by the header and the pages
//! (provided once, in the layout).

use super::{
    api::{active_vehicle, ForgetVehicle, SetVehicle, VehicleByVin},
    Vehicle,
};
use crate::error::AppError;
use leptos::prelude::*;

/// The active vehicle and the actions that change it, shared by the header and the pages.
#[derive(Clone, Copy)]
pub struct VehicleContext {
    pub active: Resource<Result<Option<Vehicle>, AppError>>,
    pub set: ServerAction<SetVehicle>,
    pub forget: ServerAction<ForgetVehicle>,
    /// Choosing by VIN.
    pub vin: ServerAction<VehicleByVin>,
}

impl VehicleContext {
    /// Reads (and so tracks) how often the vehicle was chosen or forgotten: a resource keyed
    /// on it reloads when the vehicle changes.
    pub fn changes(&self) -> (usize, usize, usize) {
        (
            self.set.version().get(),
            self.forget.version().get(),
            self.vin.version().get(),
        )
    }
}

/// Provides [`VehicleContext`] (once, in the layout).
pub fn provide_vehicle() {
    let set = ServerAction::<SetVehicle>::new();
    let forget = ServerAction::<ForgetVehicle>::new();
    let vin = ServerAction::<VehicleByVin>::new();
    // Logging in may make the garage's last vehicle active.
    let auth = use_context::<crate::auth::session::SessionContext>().map(|s| s.auth_version);
    let active = Resource::new(
        move || {
            (
                set.version().get(),
                forget.version().get(),
                vin.version().get(),
                auth.map(|a| a.get()),
            )
        },
        |_| active_vehicle(),
    );
    provide_context(VehicleContext {
        active,
        set,
        forget,
        vin,
    });
}

pub fn use_vehicle() -> VehicleContext {
    expect_context::<VehicleContext>()
}
