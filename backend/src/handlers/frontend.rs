//! The frontend bundle: static files with cache headers, precompressed
//! variants, and index.html for client-side routes.
//!
//! Vite names every file under `assets/` after a hash of its contents, so
//! those files never change and may be cached for a year. `index.html`
//! names the current hashes, so browsers must revalidate it on each visit.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{ACCEPT, CACHE_CONTROL, VARY};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// `Cache-Control` for content-hashed files under `/assets/`.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` for everything else, index.html first of all.
pub const REVALIDATE: &str = "no-cache";

/// The files of one bundle directory.
struct Frontend {
    files: ServeDir,
}

impl Frontend {
    /// Serves `dir`, preferring its `.br` and `.gz` copies when the client
    /// accepts them.
    fn new(dir: &Path) -> Arc<Self> {
        let files = ServeDir::new(dir)
            .precompressed_br()
            .precompressed_gzip()
            .append_index_html_on_directories(true);
        Arc::new(Self { files })
    }

    async fn serve_file(&self, request: Request) -> Response {
        match self.files.clone().oneshot(request).await {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        }
    }
}

/// Serves the bundle in `dir` for every request that reaches it.
pub fn router(dir: &Path) -> Router {
    Router::new().fallback(serve).with_state(Frontend::new(dir))
}

/// True for requests that a browser makes to navigate to a page.
fn wants_page(request: &Request) -> bool {
    let navigates = matches!(*request.method(), Method::GET | Method::HEAD);
    let accepts_html = request
        .headers()
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.contains("text/html"));
    navigates && accepts_html && !request.uri().path().starts_with("/api/")
}

/// Serves a file of the bundle, or index.html when a browser navigates to a
/// client-side route.
async fn serve(State(frontend): State<Arc<Frontend>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let fallback = wants_page(&request).then(|| {
        let mut index = Request::new(Body::empty());
        *index.method_mut() = request.method().clone();
        *index.uri_mut() = "/index.html".parse().expect("a valid URI");
        *index.headers_mut() = request.headers().clone();
        index
    });

    let mut response = frontend.serve_file(request).await;
    let mut served_path = path.as_str();
    if response.status() == StatusCode::NOT_FOUND {
        if let Some(index) = fallback {
            response = frontend.serve_file(index).await;
            served_path = "/index.html";
        }
    }

    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let cache_control = if served_path.starts_with("/assets/") {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        let headers = response.headers_mut();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache_control));
        headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}
