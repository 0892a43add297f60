//! Requests against the real router, without a socket.

use std::fs;
use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use backend::{router, Config};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn config(frontend_dir: Option<PathBuf>) -> Config {
    Config {
        port: 0,
        frontend_dir,
    }
}

async fn get(config: &Config, uri: &str) -> (StatusCode, String) {
    let request = Request::get(uri).body(Body::empty()).unwrap();
    let response = router(config).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn healthz_returns_ok() {
    let (status, body) = get(&config(None), "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, r#"{"status":"ok"}"#);
}

#[tokio::test]
async fn unknown_path_is_not_found() {
    let (status, _) = get(&config(None), "/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn frontend_dir_is_served() {
    let dir = std::env::temp_dir().join(format!("backend-http-test-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("index.html"), "<p>hello</p>").unwrap();

    let config = config(Some(dir.clone()));
    let (status, body) = get(&config, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "<p>hello</p>");

    let (status, body) = get(&config, "/healthz").await;
    assert_eq!(status, StatusCode::OK, "the API wins over the bundle");
    assert_eq!(body, r#"{"status":"ok"}"#);

    fs::remove_dir_all(&dir).unwrap();
}
