//! Which path a connection takes: direct, or through an HTTP proxy, and why.

pub mod machine_config;
pub mod route;
pub mod url;

pub use machine_config::MachineProxy;
pub use route::{choose, Route};
pub use url::ProxyUrl;
