//! Request handlers, one module per resource.

pub mod frontend;
pub mod health;
