//! Checks the image tarball that `bazel build //:image_tarball` writes,
//! reading it with general-purpose tar, gzip and JSON code rather than the
//! image tool's own.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::sync::OnceLock;

use flate2::read::GzDecoder;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Upper bound for the whole tarball. The static binary is most of it.
const SIZE_BUDGET_BYTES: u64 = 16 * 1024 * 1024;

const ELF_MACHINE_X86_64: u16 = 62;
const PT_INTERP: u32 = 3;

struct Entry {
    kind: tar::EntryType,
    mode: u32,
    uid: u64,
    gid: u64,
    data: Vec<u8>,
}

struct Image {
    tarball_size: u64,
    config: Value,
    /// Entries of each layer, bottom layer first, keyed by absolute path.
    layers: Vec<BTreeMap<String, Entry>>,
    /// SHA-256 of each compressed layer, bottom layer first.
    layer_digests: Vec<String>,
    diff_ids: Vec<String>,
}

fn env_path(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run this test with bazel test"))
}

fn read_entries(reader: impl Read) -> BTreeMap<String, Vec<u8>> {
    let mut archive = tar::Archive::new(reader);
    let mut files = BTreeMap::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().to_string_lossy().into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        files.insert(path, data);
    }
    files
}

fn read_layer(bytes: &[u8]) -> (BTreeMap<String, Entry>, String) {
    let mut tar_bytes = Vec::new();
    GzDecoder::new(bytes).read_to_end(&mut tar_bytes).unwrap();
    let diff_id = format!("sha256:{:x}", Sha256::digest(&tar_bytes));
    let mut archive = tar::Archive::new(tar_bytes.as_slice());
    let mut entries = BTreeMap::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let header = entry.header().clone();
        let path = entry.path().unwrap().to_string_lossy().into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        let path = format!("/{}", path.trim_end_matches('/'));
        entries.insert(
            path,
            Entry {
                kind: header.entry_type(),
                mode: header.mode().unwrap(),
                uid: header.uid().unwrap(),
                gid: header.gid().unwrap(),
                data,
            },
        );
    }
    (entries, diff_id)
}

fn read_image(path: &str) -> Image {
    let tarball_size = std::fs::metadata(path).unwrap().len();
    let files = read_entries(File::open(path).unwrap());
    let manifest: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    let manifest = &manifest[0];
    let config_path = manifest["Config"].as_str().unwrap();
    let config: Value = serde_json::from_slice(&files[config_path]).unwrap();
    let mut layers = Vec::new();
    let mut layer_digests = Vec::new();
    let mut diff_ids = Vec::new();
    for layer in manifest["Layers"].as_array().unwrap() {
        let bytes = &files[layer.as_str().unwrap()];
        let (entries, diff_id) = read_layer(bytes);
        layers.push(entries);
        layer_digests.push(format!("sha256:{:x}", Sha256::digest(bytes)));
        diff_ids.push(diff_id);
    }
    Image {
        tarball_size,
        config,
        layers,
        layer_digests,
        diff_ids,
    }
}

/// Reads the image that `bazel build //:image_tarball` writes, once.
fn image() -> &'static Image {
    static IMAGE: OnceLock<Image> = OnceLock::new();
    IMAGE.get_or_init(|| read_image(&env_path("IMAGE_TARBALL")))
}

/// Reads the same image built with a different frontend build label, once.
fn image_with_other_frontend() -> &'static Image {
    static IMAGE: OnceLock<Image> = OnceLock::new();
    IMAGE.get_or_init(|| read_image(&env_path("OTHER_FRONTEND_TARBALL")))
}

/// Returns the entry at `path` from whichever layer contains it.
fn entry(path: &str) -> &'static Entry {
    image()
        .layers
        .iter()
        .find_map(|layer| layer.get(path))
        .unwrap_or_else(|| panic!("no layer contains {path}"))
}

fn read_u16(bytes: &[u8], offset: usize) -> u16 {
    u16::from_le_bytes(bytes[offset..offset + 2].try_into().unwrap())
}

fn read_u32(bytes: &[u8], offset: usize) -> u32 {
    u32::from_le_bytes(bytes[offset..offset + 4].try_into().unwrap())
}

fn read_u64(bytes: &[u8], offset: usize) -> u64 {
    u64::from_le_bytes(bytes[offset..offset + 8].try_into().unwrap())
}

#[test]
fn platform_is_linux_amd64() {
    assert_eq!(image().config["os"], "linux");
    assert_eq!(image().config["architecture"], "amd64");
}

#[test]
fn runs_backend_as_nonroot() {
    let config = &image().config["config"];
    assert_eq!(config["User"], "65532");
    assert_eq!(config["Entrypoint"], serde_json::json!(["/app/backend"]));
    assert_eq!(config["WorkingDir"], "/app");
}

#[test]
fn exposes_port_3000() {
    let ports = image().config["config"]["ExposedPorts"]
        .as_object()
        .unwrap();
    let keys: Vec<&String> = ports.keys().collect();
    assert_eq!(keys, ["3000/tcp"]);
}

/// Returns the index of the layer that contains `path`.
fn layer_index(image: &Image, path: &str) -> usize {
    image
        .layers
        .iter()
        .position(|layer| layer.contains_key(path))
        .unwrap_or_else(|| panic!("no layer contains {path}"))
}

#[test]
fn env_sets_port_and_log_level() {
    let env = &image().config["config"]["Env"];
    let env: Vec<&str> = env
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(env.contains(&"PORT=3000"), "{env:?}");
    assert!(env.contains(&"RUST_LOG=info"), "{env:?}");
    assert!(env.contains(&"FRONTEND_DIR=/app/frontend"), "{env:?}");
}

#[test]
fn labels_name_title_version_revision() {
    let labels = &image().config["config"]["Labels"];
    assert_eq!(labels["org.opencontainers.image.title"], "webapp");
    for key in [
        "org.opencontainers.image.version",
        "org.opencontainers.image.revision",
    ] {
        let value = labels[key].as_str().unwrap_or_default();
        assert!(!value.is_empty(), "label {key} is empty");
        assert!(!value.contains('{'), "label {key} is not expanded: {value}");
    }
}

#[test]
fn diff_ids_match_layers() {
    let expected: Vec<&str> = image().config["rootfs"]["diff_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(expected, image().diff_ids);
}

#[test]
fn base_files_have_modes_and_owners() {
    for path in [
        "/etc/passwd",
        "/etc/group",
        "/etc/ssl/certs/ca-certificates.crt",
    ] {
        let file = entry(path);
        assert_eq!(file.kind, tar::EntryType::Regular, "{path}");
        assert_eq!(file.mode, 0o644, "{path}");
        assert_eq!((file.uid, file.gid), (0, 0), "{path}");
    }
    let tmp = entry("/tmp");
    assert_eq!(tmp.kind, tar::EntryType::Directory);
    assert_eq!(tmp.mode, 0o1777);
}

#[test]
fn passwd_has_nonroot_user() {
    let passwd = String::from_utf8_lossy(&entry("/etc/passwd").data).into_owned();
    assert!(
        passwd
            .lines()
            .any(|line| line.starts_with("nonroot:x:65532:65532:")),
        "{passwd}"
    );
    let group = String::from_utf8_lossy(&entry("/etc/group").data).into_owned();
    assert!(
        group
            .lines()
            .any(|line| line.starts_with("nonroot:x:65532:")),
        "{group}"
    );
}

#[test]
fn ca_bundle_contains_certificates() {
    let bundle =
        String::from_utf8_lossy(&entry("/etc/ssl/certs/ca-certificates.crt").data).into_owned();
    let count = bundle.matches("-----BEGIN CERTIFICATE-----").count();
    assert!(count > 100, "only {count} certificates");
}

#[test]
fn binary_is_static_x86_64_elf() {
    let binary = entry("/app/backend");
    assert_eq!(binary.kind, tar::EntryType::Regular);
    assert_eq!(binary.mode, 0o755);
    assert_eq!((binary.uid, binary.gid), (0, 0));

    let elf = &binary.data;
    assert_eq!(&elf[..4], b"\x7fELF", "not an ELF file");
    assert_eq!(elf[4], 2, "not a 64-bit ELF file");
    assert_eq!(elf[5], 1, "not little-endian");
    assert_eq!(
        read_u16(elf, 18),
        ELF_MACHINE_X86_64,
        "not built for x86-64"
    );

    let phoff = read_u64(elf, 32) as usize;
    let phentsize = read_u16(elf, 54) as usize;
    let phnum = read_u16(elf, 56) as usize;
    assert!(phnum > 0, "no program headers");
    for index in 0..phnum {
        let kind = read_u32(elf, phoff + index * phentsize);
        assert_ne!(
            kind, PT_INTERP,
            "program header {index} is PT_INTERP: the binary is dynamic"
        );
    }
}

#[test]
fn binary_layer_contains_only_binary() {
    let layer = image()
        .layers
        .iter()
        .find(|layer| layer.contains_key("/app/backend"))
        .unwrap();
    let paths: Vec<&String> = layer.keys().collect();
    assert_eq!(paths, ["/app", "/app/backend"]);
}

#[test]
fn tarball_fits_size_budget() {
    let size = image().tarball_size;
    assert!(
        size <= SIZE_BUDGET_BYTES,
        "image tarball is {size} bytes, over the budget of {SIZE_BUDGET_BYTES}"
    );
}

#[test]
fn layers_are_base_frontend_binary() {
    let image = image();
    assert_eq!(image.layers.len(), 3);
    assert_eq!(layer_index(image, "/etc/passwd"), 0);
    assert_eq!(layer_index(image, "/app/frontend/index.html"), 1);
    assert_eq!(layer_index(image, "/app/backend"), 2);
}

#[test]
fn frontend_files_have_modes_and_owners() {
    let layer = &image().layers[layer_index(image(), "/app/frontend/index.html")];
    let index = &layer["/app/frontend/index.html"];
    assert_eq!(index.kind, tar::EntryType::Regular);
    assert_eq!(index.mode, 0o644);
    assert_eq!((index.uid, index.gid), (0, 0));
    let html = String::from_utf8_lossy(&index.data).into_owned();
    assert!(
        html.contains("id=\"root\""),
        "index.html has no root element: {html}"
    );
    assert_eq!(
        layer["/app/frontend/assets"].kind,
        tar::EntryType::Directory
    );
    assert_eq!(layer["/app/frontend/assets"].mode, 0o755);
}

#[test]
fn frontend_scripts_are_hashed_and_precompressed() {
    let layer = &image().layers[layer_index(image(), "/app/frontend/index.html")];
    let scripts: Vec<&String> = layer
        .keys()
        .filter(|path| path.starts_with("/app/frontend/assets/") && path.ends_with(".js"))
        .collect();
    assert!(!scripts.is_empty(), "no scripts under /app/frontend/assets");
    for script in scripts {
        let name = script.rsplit('/').next().unwrap();
        assert!(
            name.contains('-'),
            "{script} has no content hash in its name"
        );
        for suffix in [".gz", ".br"] {
            let copy = format!("{script}{suffix}");
            assert!(layer.contains_key(&copy), "{copy} is missing");
        }
    }
}

#[test]
fn frontend_change_keeps_binary_layer() {
    let (ours, other) = (image(), image_with_other_frontend());
    let binary = layer_index(ours, "/app/backend");
    let frontend = layer_index(ours, "/app/frontend/index.html");
    assert_eq!(
        ours.layer_digests[binary], other.layer_digests[binary],
        "the binary layer changed with the frontend"
    );
    assert_eq!(
        ours.layer_digests[0], other.layer_digests[0],
        "the base layer changed"
    );
    assert_ne!(
        ours.layer_digests[frontend], other.layer_digests[frontend],
        "the frontend layer did not change: the test's frontend change had no effect"
    );
}
