//! The web service as a library: configuration, the router and the serve
//! loop, kept apart from `main` so that tests drive the real router.

mod config;
mod handlers;

use std::future::Future;
use std::io;

use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub use config::{Config, ConfigError};

/// Builds the application's router from its configuration. Fails when the
/// frontend directory cannot be read.
pub fn router(config: &Config) -> io::Result<Router> {
    let api = Router::new().route("/healthz", get(handlers::health::healthz));
    let app = match &config.frontend_dir {
        Some(dir) => api.fallback_service(handlers::frontend::router(dir)?),
        None => api,
    };
    Ok(app.layer(TraceLayer::new_for_http()))
}

/// Serves `app` on `listener` until `shutdown` completes, then waits for
/// requests in flight to finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on the first SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};

    let mut terminate =
        signal(SignalKind::terminate()).expect("failed to install the SIGTERM handler");
    let mut interrupt =
        signal(SignalKind::interrupt()).expect("failed to install the SIGINT handler");
    let name = tokio::select! {
        _ = terminate.recv() => "SIGTERM",
        _ = interrupt.recv() => "SIGINT",
    };
    tracing::info!(signal = name, "shutting down");
}
