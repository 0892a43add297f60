//! Entry point of the web service: reads its configuration from the
//! environment, binds the port and serves until SIGTERM or SIGINT.

use std::io::IsTerminal;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use backend::{router, serve, shutdown_signal, Config};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

// musl's malloc serialises threads on one lock; jemalloc does not. Builds
// for glibc targets keep the system allocator.
#[cfg(target_env = "musl")]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    // Colors only on a terminal: container logs keep plain text.
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_ansi(std::io::stdout().is_terminal())
        .init();

    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            tracing::error!(%error, "invalid configuration");
            return ExitCode::from(2);
        }
    };

    let address = SocketAddr::from((Ipv4Addr::UNSPECIFIED, config.port));
    let listener = match TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%address, %error, "failed to bind the listening socket");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(%address, frontend_dir = ?config.frontend_dir, "listening");

    if let Err(error) = serve(listener, router(&config), shutdown_signal()).await {
        tracing::error!(%error, "server failed");
        return ExitCode::FAILURE;
    }
    tracing::info!("stopped");
    ExitCode::SUCCESS
}
