//! The active vehicle and the actions that change it, shared by the header and the pages
//! (provided once, in the layout).

use super::{
    api::{active_vehicle, ForgetVehicle, SetTypedVehicle, SetVehicle, VehicleByVin},
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
    /// Typing in a vehicle the list does not have.
    pub typed: ServerAction<SetTypedVehicle>,
}

impl VehicleContext {
    /// Reads (and so tracks) how often the vehicle was chosen or forgotten: a resource keyed
    /// on it reloads when the vehicle changes.
    pub fn changes(&self) -> (usize, usize, usize, usize) {
        (
            self.set.version().get(),
            self.forget.version().get(),
            self.vin.version().get(),
            self.typed.version().get(),
        )
    }
}

/// Provides [`VehicleContext`] (once, in the layout).
pub fn provide_vehicle() {
    let set = ServerAction::<SetVehicle>::new();
    let forget = ServerAction::<ForgetVehicle>::new();
    let vin = ServerAction::<VehicleByVin>::new();
    let typed = ServerAction::<SetTypedVehicle>::new();
    // Logging in may make the garage's last vehicle active.
    let auth = use_context::<crate::auth::session::SessionContext>().map(|s| s.auth_version);
    let active = Resource::new(
        move || {
            (
                set.version().get(),
                forget.version().get(),
                vin.version().get(),
                typed.version().get(),
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
        typed,
    });
}

pub fn use_vehicle() -> VehicleContext {
    expect_context::<VehicleContext>()
}
