//! The frontend bundle: static files with cache headers, precompressed
//! variants, and index.html for client-side routes.
//!
//! Vite names every file under `assets/` after a hash of its contents, so
//! those files never change and may be cached for a year. `index.html`
//! names the current hashes, so browsers must revalidate it on each visit.
//! Revalidation uses an ETag computed from each file's contents: the image
//! gives every file the same modification time, so `Last-Modified` would
//! call a changed file unchanged.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{
    ACCEPT, CACHE_CONTROL, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_UNMODIFIED_SINCE,
    LAST_MODIFIED, VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// `Cache-Control` for content-hashed files under `/assets/`.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` for everything else, index.html first of all.
pub const REVALIDATE: &str = "no-cache";

/// The files of one bundle directory.
struct Frontend {
    files: ServeDir,
    /// Weak ETag of each file, keyed by its URL path such as `/index.html`.
    etags: HashMap<String, HeaderValue>,
}

impl Frontend {
    /// Serves `dir`, preferring its `.br` and `.gz` copies when the client
    /// accepts them, and hashes every file for its ETag.
    fn new(dir: &Path) -> io::Result<Arc<Self>> {
        let files = ServeDir::new(dir)
            .precompressed_br()
            .precompressed_gzip()
            .append_index_html_on_directories(true);
        let mut etags = HashMap::new();
        hash_files(dir, "", &mut etags)?;
        Ok(Arc::new(Self { files, etags }))
    }

    async fn serve_file(&self, request: Request) -> Response {
        match self.files.clone().oneshot(request).await {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        }
    }
}

/// Adds a weak ETag for every file under `dir` to `etags`. The `.br` and
/// `.gz` copies share the ETag of their original, so the tag is weak.
fn hash_files(
    dir: &Path,
    prefix: &str,
    etags: &mut HashMap<String, HeaderValue>,
) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let url_path = format!("{prefix}/{name}");
        if entry.file_type()?.is_dir() {
            hash_files(&entry.path(), &url_path, etags)?;
        } else if !name.ends_with(".br") && !name.ends_with(".gz") {
            let digest = Sha256::digest(fs::read(entry.path())?);
            let hex: String = digest[..12]
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect();
            let etag =
                HeaderValue::from_str(&format!("W/\"{hex}\"")).expect("hex is a valid header");
            etags.insert(url_path, etag);
        }
    }
    Ok(())
}

/// Serves the bundle in `dir` for every request that reaches it.
pub fn router(dir: &Path) -> io::Result<Router> {
    Ok(Router::new()
        .fallback(serve)
        .with_state(Frontend::new(dir)?))
}

/// True for requests that a browser makes to navigate to a page. Requests
/// under `/assets/` and `/api/` never are: a missing file there is a 404.
fn wants_page(request: &Request) -> bool {
    let navigates = matches!(*request.method(), Method::GET | Method::HEAD);
    let accepts_html = request
        .headers()
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.contains("text/html"));
    let path = request.uri().path();
    navigates && accepts_html && !path.starts_with("/api/") && !path.starts_with("/assets/")
}

/// True when `If-None-Match` names `etag` or `*`.
fn matches_etag(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let expected = etag.to_str().unwrap_or_default().trim_start_matches("W/");
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == expected)
}

/// Serves a file of the bundle, or index.html when a browser navigates to a
/// client-side route.
async fn serve(State(frontend): State<Arc<Frontend>>, mut request: Request) -> Response {
    // Every file has the same modification time, so date conditions carry
    // no information. The ETag below decides instead.
    let conditions = request.headers().clone();
    request.headers_mut().remove(IF_MODIFIED_SINCE);
    request.headers_mut().remove(IF_UNMODIFIED_SINCE);

    let path = request.uri().path().to_owned();
    let fallback = wants_page(&request).then(|| {
        let mut index = Request::new(Body::empty());
        *index.method_mut() = request.method().clone();
        *index.uri_mut() = "/index.html".parse().expect("a valid URI");
        *index.headers_mut() = request.headers().clone();
        index
    });

    let mut response = frontend.serve_file(request).await;
    let mut served_path = if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path
    };
    if response.status() == StatusCode::NOT_FOUND {
        if let Some(index) = fallback {
            response = frontend.serve_file(index).await;
            served_path = "/index.html".to_owned();
        }
    }
    if !response.status().is_success() {
        return response;
    }

    let etag = frontend.etags.get(&served_path).cloned();
    if let Some(etag) = &etag {
        if matches_etag(&conditions, etag) {
            response = StatusCode::NOT_MODIFIED.into_response();
        }
    }
    let cache_control = if served_path.starts_with("/assets/") {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let headers = response.headers_mut();
    headers.remove(LAST_MODIFIED);
    if let Some(etag) = etag {
        headers.insert(ETAG, etag);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache_control));
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    response
}
