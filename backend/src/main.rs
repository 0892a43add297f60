//! Entry point of the web service: reads its configuration from the
//! environment, binds the port and serves until SIGTERM or SIGINT.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;

use backend::{router, serve, shutdown_signal, Config};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

// musl's malloc serialises threads on one lock; jemalloc does not. Builds
// for glibc targets keep the system allocator.
#[cfg(target_env = "musl")]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

const USAGE: &str = "\
usage: backend

Serves the web app over HTTP until SIGTERM or SIGINT. Settings come from
the environment:
  HOST          IP address to listen on (default 0.0.0.0)
  PORT          TCP port to listen on (default 3000)
  FRONTEND_DIR  directory of the frontend bundle to serve (default: none)
  RUST_LOG      log filter, such as info or backend=debug (default info)";

/// Reads the log filter from RUST_LOG, falling back to `info` with a
/// warning when the variable is set but invalid.
fn log_filter() -> EnvFilter {
    let Ok(value) = std::env::var("RUST_LOG") else {
        return EnvFilter::new("info");
    };
    EnvFilter::try_new(&value).unwrap_or_else(|error| {
        eprintln!("backend: invalid RUST_LOG {value:?} ({error}); logging at info instead");
        EnvFilter::new("info")
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => {}
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(arg) => {
            eprintln!("backend: unexpected argument {arg:?}: settings come from environment variables\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }

    // Colors only on a terminal: container logs keep plain text.
    tracing_subscriber::fmt()
        .with_env_filter(log_filter())
        .with_ansi(std::io::stdout().is_terminal())
        .init();

    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            tracing::error!(%error, "invalid configuration");
            return ExitCode::from(2);
        }
    };

    let address = SocketAddr::from((config.host, config.port));
    let listener = match TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%address, %error, "failed to bind the listening socket");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(%address, frontend_dir = ?config.frontend_dir, "listening");

    let app = match router(&config) {
        Ok(app) => app,
        Err(error) => {
            tracing::error!(frontend_dir = ?config.frontend_dir, %error, "failed to read the frontend bundle");
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) = serve(listener, app, shutdown_signal()).await {
        tracing::error!(%error, "server failed");
        return ExitCode::FAILURE;
    }
    tracing::info!("stopped");
    ExitCode::SUCCESS
}
