//! Static files of the frontend bundle.

use std::path::Path;

use tower_http::services::ServeDir;

/// Serves the files under `dir`, with `index.html` for directory requests.
pub fn service(dir: &Path) -> ServeDir {
    ServeDir::new(dir).append_index_html_on_directories(true)
}
