//! Requests against the real router, without a socket.

use std::fs;
use std::path::PathBuf;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use backend::{router, Config};
use http_body_util::BodyExt;
use tower::ServiceExt;

const INDEX: &str = "<!doctype html><div id=\"root\"></div>";
const SCRIPT: &str = "console.log('app');";
const SCRIPT_PATH: &str = "/assets/index-Ab12Cd34.js";

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .map(|value| value.to_str().unwrap())
            .unwrap_or_default()
    }
}

fn config(frontend_dir: Option<PathBuf>) -> Config {
    Config {
        host: std::net::Ipv4Addr::LOCALHOST.into(),
        port: 0,
        frontend_dir,
    }
}

async fn send(config: &Config, uri: &str, headers: &[(header::HeaderName, &str)]) -> Reply {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    let response = router(config)
        .unwrap()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

async fn get(config: &Config, uri: &str) -> Reply {
    send(config, uri, &[]).await
}

/// A bundle laid out as Vite writes it, with a brotli copy of the script.
struct Bundle(PathBuf);

impl Bundle {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("backend-http-{name}-{}", std::process::id()));
        fs::create_dir_all(dir.join("assets")).unwrap();
        fs::write(dir.join("index.html"), INDEX).unwrap();
        fs::write(dir.join(&SCRIPT_PATH[1..]), SCRIPT).unwrap();
        fs::write(
            dir.join(format!("{}.br", &SCRIPT_PATH[1..])),
            b"brotli bytes",
        )
        .unwrap();
        Self(dir)
    }

    fn config(&self) -> Config {
        config(Some(self.0.clone()))
    }
}

impl Drop for Bundle {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn healthz_returns_ok() {
    let reply = get(&config(None), "/healthz").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), r#"{"status":"ok"}"#);
}

#[tokio::test]
async fn unknown_path_is_not_found() {
    let reply = get(&config(None), "/no-such-page").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn api_wins_over_bundle() {
    let bundle = Bundle::new("api");
    let reply = get(&bundle.config(), "/healthz").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), r#"{"status":"ok"}"#);
}

#[tokio::test]
async fn index_is_revalidated() {
    let bundle = Bundle::new("index");
    let reply = get(&bundle.config(), "/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), INDEX);
    assert_eq!(reply.header(header::CACHE_CONTROL), "no-cache");
}

#[tokio::test]
async fn hashed_asset_is_immutable() {
    let bundle = Bundle::new("asset");
    let reply = get(&bundle.config(), SCRIPT_PATH).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), SCRIPT);
    assert_eq!(
        reply.header(header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn precompressed_copy_is_sent() {
    let bundle = Bundle::new("brotli");
    let reply = send(
        &bundle.config(),
        SCRIPT_PATH,
        &[(header::ACCEPT_ENCODING, "gzip, br")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header(header::CONTENT_ENCODING), "br");
    assert_eq!(reply.body, b"brotli bytes");
    assert!(reply.header(header::VARY).contains("accept-encoding"));
}

#[tokio::test]
async fn client_route_falls_back_to_index() {
    let bundle = Bundle::new("route");
    let reply = send(
        &bundle.config(),
        "/settings/profile",
        &[(header::ACCEPT, "text/html,application/xhtml+xml")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), INDEX);
    assert_eq!(reply.header(header::CACHE_CONTROL), "no-cache");
}

#[tokio::test]
async fn missing_asset_is_not_found() {
    let bundle = Bundle::new("missing");
    let reply = send(
        &bundle.config(),
        "/assets/index-Gone.js",
        &[(header::ACCEPT, "*/*")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_api_path_is_not_found_for_browsers() {
    let bundle = Bundle::new("api-missing");
    let reply = send(
        &bundle.config(),
        "/api/nothing",
        &[(header::ACCEPT, "text/html")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn missing_asset_is_not_found_for_browsers() {
    let bundle = Bundle::new("missing-html");
    let reply = send(
        &bundle.config(),
        "/assets/index-Gone.js",
        &[(header::ACCEPT, "text/html")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn index_has_etag_and_no_last_modified() {
    let bundle = Bundle::new("etag");
    let reply = get(&bundle.config(), "/").await;
    assert!(
        reply.header(header::ETAG).starts_with("W/\""),
        "{:?}",
        reply.headers
    );
    assert_eq!(reply.header(header::LAST_MODIFIED), "");
}

#[tokio::test]
async fn matching_etag_is_not_modified() {
    let bundle = Bundle::new("etag-match");
    let etag = get(&bundle.config(), "/")
        .await
        .header(header::ETAG)
        .to_owned();
    let reply = send(&bundle.config(), "/", &[(header::IF_NONE_MATCH, &etag)]).await;
    assert_eq!(reply.status, StatusCode::NOT_MODIFIED);
    assert_eq!(reply.header(header::ETAG), etag);
    assert!(reply.body.is_empty());
}

#[tokio::test]
async fn epoch_if_modified_since_is_ignored() {
    // Image files all carry mtime 0, so a date condition must not turn a
    // changed index.html into a 304.
    let bundle = Bundle::new("epoch");
    let reply = send(
        &bundle.config(),
        "/",
        &[(header::IF_MODIFIED_SINCE, "Thu, 01 Jan 1970 00:00:00 GMT")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), INDEX);
}

#[tokio::test]
async fn changed_index_changes_etag() {
    let first = Bundle::new("etag-first");
    let second = Bundle::new("etag-second");
    fs::write(second.0.join("index.html"), "<p>new release</p>").unwrap();
    let old_etag = get(&first.config(), "/")
        .await
        .header(header::ETAG)
        .to_owned();
    let reply = send(&second.config(), "/", &[(header::IF_NONE_MATCH, &old_etag)]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), "<p>new release</p>");
    assert_ne!(reply.header(header::ETAG), old_etag);
}

#[tokio::test]
async fn unreadable_frontend_dir_fails_router() {
    let config = config(Some(PathBuf::from("/nonexistent/bundle")));
    assert!(router(&config).is_err());
}
