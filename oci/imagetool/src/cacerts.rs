//! The CA bundle of the base layer, from the Mozilla root program as
//! packaged by the `webpki-root-certs` crate (pinned in Cargo.lock).

use std::fs;
use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::{Context, Error, Result};

/// Writes every root certificate as PEM, in the crate's order.
pub fn write(output: &Path) -> Result<()> {
    let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS;
    if roots.is_empty() {
        return Err(Error::new("webpki-root-certs lists no certificates"));
    }
    let mut pem = String::new();
    for cert in roots {
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        let encoded = STANDARD.encode(cert.as_ref());
        for line in encoded.as_bytes().chunks(64) {
            // Base64 output is ASCII, so every chunk is valid UTF-8.
            pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
    }
    fs::write(output, pem).context(|| format!("failed to write {}", output.display()))
}
