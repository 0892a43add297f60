//! Liveness probe for container runtimes and load balancers.

use axum::Json;
use serde_json::{json, Value};

/// Returns 200 with `{"status":"ok"}` while the process serves requests.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}
