//! `imagetool image`: an OCI image layout from layers and a config spec.
//!
//! The layout contains `oci-layout`, `index.json` with one manifest, and the
//! config, manifest and layer blobs under `blobs/sha256/`. Before writing,
//! every ELF file in the layers is checked against the image's platform.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::digest::{write_blob, Descriptor, HashingWriter};
use crate::{elf, source_date_epoch, Context, Error, Result};

pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
const INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";
const CONFIG_MEDIA_TYPE: &str = "application/vnd.oci.image.config.v1+json";
const LAYER_MEDIA_TYPE: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

/// Bytes read from the start of each file to look for an ELF header.
const ELF_PROBE_BYTES: u64 = 64 * 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    os: String,
    architecture: String,
    #[serde(default)]
    variant: Option<String>,
    #[serde(default)]
    entrypoint: Vec<String>,
    #[serde(default)]
    cmd: Vec<String>,
    /// Name and value pairs, in the order given.
    #[serde(default)]
    env: Vec<(String, String)>,
    #[serde(default)]
    workdir: Option<String>,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    exposed_ports: Vec<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    /// Bazel's stable status file; `{KEY}` in a label value is replaced
    /// with that key's value. Without it, placeholders become `unknown`.
    #[serde(default)]
    stable_status: Option<PathBuf>,
    layers: Vec<SpecLayer>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecLayer {
    path: PathBuf,
    /// The Bazel label that built the layer, for the config's history.
    created_by: String,
}

/// An ELF file seen in a layer.
struct ElfFile {
    path: String,
    info: elf::ElfInfo,
}

/// Facts gathered while reading one layer.
struct LayerFacts {
    diff_id: String,
    elf_files: Vec<ElfFile>,
    paths: Vec<String>,
}

/// Decompresses the layer `bytes` read from `path`, hashing the tar stream
/// for its diff ID and noting every path and ELF file in it.
fn read_layer(path: &Path, bytes: &[u8]) -> Result<LayerFacts> {
    let mut tee = TeeReader {
        inner: GzDecoder::new(bytes),
        hasher: HashingWriter::new(io::sink()),
    };
    let mut elf_files = Vec::new();
    let mut paths = Vec::new();
    {
        let mut archive = tar::Archive::new(&mut tee);
        let entries = archive
            .entries()
            .context(|| format!("failed to read layer {}", path.display()))?;
        for entry in entries {
            let mut entry = entry.context(|| format!("failed to read layer {}", path.display()))?;
            let name = entry
                .path()
                .context(|| format!("invalid entry name in layer {}", path.display()))?
                .to_string_lossy()
                .trim_end_matches('/')
                .to_owned();
            let name = format!("/{}", name.trim_start_matches("./"));
            if entry.header().entry_type().is_file() {
                let mut head = Vec::new();
                (&mut entry)
                    .take(ELF_PROBE_BYTES)
                    .read_to_end(&mut head)
                    .context(|| format!("failed to read {name} in layer {}", path.display()))?;
                if let Some(info) = elf::parse(&head) {
                    elf_files.push(ElfFile {
                        path: name.clone(),
                        info,
                    });
                }
            }
            paths.push(name);
        }
    }
    // Hash any padding after the end-of-archive marker too.
    io::copy(&mut tee, &mut io::sink())
        .context(|| format!("failed to read layer {}", path.display()))?;
    let (_, hex, _) = tee.hasher.finish();
    Ok(LayerFacts {
        diff_id: format!("sha256:{hex}"),
        elf_files,
        paths,
    })
}

/// Passes bytes through while hashing them.
struct TeeReader<R> {
    inner: R,
    hasher: HashingWriter<io::Sink>,
}

impl<R: Read> Read for TeeReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let count = self.inner.read(buf)?;
        io::Write::write_all(&mut self.hasher, &buf[..count])?;
        Ok(count)
    }
}

/// Fails when an ELF file cannot run on the image's platform: built for
/// another machine, or asking for a dynamic loader the image lacks.
fn check_elf_files(spec: &Spec, files: &[ElfFile], paths: &BTreeSet<String>) -> Result<()> {
    let platform = format!("{}/{}", spec.os, spec.architecture);
    let Some(expected) = elf::machine_for_architecture(&spec.architecture) else {
        return Err(Error::new(format!(
            "unsupported architecture {:?}: use one of amd64, arm64, 386, arm, ppc64le, riscv64, s390x",
            spec.architecture
        )));
    };
    for file in files {
        if spec.os != "linux" {
            return Err(Error::new(format!(
                "{} is an ELF executable, but the image os is {:?}: set os = \"linux\" or leave ELF files out",
                file.path, spec.os
            )));
        }
        let (machine, name) = expected;
        if file.info.machine != machine {
            let found = elf::machine_name(file.info.machine);
            return Err(Error::new(format!(
                "{} is built for {found} (ELF machine {}), but the image is {platform}, \
                 which runs {name} (ELF machine {machine}): build it for a {platform} platform",
                file.path, file.info.machine
            )));
        }
        let missing_loader = file
            .info
            .interpreter
            .as_ref()
            .filter(|interpreter| !paths.contains(*interpreter));
        if let Some(interpreter) = missing_loader {
            return Err(Error::new(format!(
                "{} needs the dynamic loader {interpreter}, which no layer of this \
                 {platform} image contains: link it statically or add a layer with that loader",
                file.path
            )));
        }
    }
    Ok(())
}

/// Replaces `{KEY}` placeholders with values from Bazel's stable status.
fn expand_labels(spec: &Spec) -> Result<BTreeMap<String, String>> {
    let status: Option<BTreeMap<String, String>> = match &spec.stable_status {
        None => None,
        Some(path) => {
            let text = fs::read_to_string(path)
                .context(|| format!("failed to read {}", path.display()))?;
            let pairs = text.lines().filter_map(|line| {
                let (key, value) = line.split_once(' ').unwrap_or((line, ""));
                (!key.is_empty()).then(|| (key.to_owned(), value.to_owned()))
            });
            Some(pairs.collect())
        }
    };
    let mut labels = BTreeMap::new();
    for (name, template) in &spec.labels {
        let mut value = String::new();
        let mut rest = template.as_str();
        while let Some(start) = rest.find('{') {
            let Some(length) = rest[start..].find('}') else {
                break;
            };
            let key = &rest[start + 1..start + length];
            value.push_str(&rest[..start]);
            match &status {
                None => value.push_str("unknown"),
                Some(status) => value.push_str(status.get(key).ok_or_else(|| {
                    Error::new(format!(
                        "label {name} uses {{{key}}}, which the workspace status command does not print: \
                         print a line \"{key} value\" from it or remove the placeholder"
                    ))
                })?),
            }
            rest = &rest[start + length + 1..];
        }
        value.push_str(rest);
        labels.insert(name.clone(), value);
    }
    Ok(labels)
}

/// Formats seconds since the Unix epoch as an RFC 3339 UTC timestamp.
pub fn rfc3339(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let time = seconds % 86_400;
    // Civil date from days since 1970-01-01, after Howard Hinnant's
    // public-domain `civil_from_days` algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        time / 3600,
        time / 60 % 60,
        time % 60
    )
}

fn to_json_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("JSON values always serialize")
}

/// Reads the spec at `spec_path` and writes the image layout to `output`.
pub fn write(spec_path: &Path, output: &Path) -> Result<()> {
    let text = fs::read_to_string(spec_path)
        .context(|| format!("failed to read image spec {}", spec_path.display()))?;
    let spec: Spec = serde_json::from_str(&text)
        .context(|| format!("invalid image spec {}", spec_path.display()))?;
    let created = rfc3339(source_date_epoch()?);

    let mut layer_descriptors = Vec::new();
    let mut diff_ids = Vec::new();
    let mut history = Vec::new();
    let mut elf_files = Vec::new();
    let mut paths = BTreeSet::new();
    for layer in &spec.layers {
        let bytes = fs::read(&layer.path)
            .context(|| format!("failed to read layer {}", layer.path.display()))?;
        let facts = read_layer(&layer.path, &bytes)?;
        layer_descriptors.push(write_blob(output, LAYER_MEDIA_TYPE, &bytes)?);
        diff_ids.push(facts.diff_id);
        history.push(json!({"created": created, "created_by": layer.created_by}));
        elf_files.extend(facts.elf_files);
        paths.extend(facts.paths);
    }
    check_elf_files(&spec, &elf_files, &paths)?;

    let env: Vec<String> = spec
        .env
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    let exposed_ports: BTreeMap<&str, Value> = spec
        .exposed_ports
        .iter()
        .map(|port| (port.as_str(), json!({})))
        .collect();
    let mut container = json!({
        "Env": env,
        "Entrypoint": spec.entrypoint,
        "Labels": expand_labels(&spec)?,
    });
    let fields = [
        ("Cmd", (!spec.cmd.is_empty()).then(|| json!(spec.cmd))),
        (
            "ExposedPorts",
            (!exposed_ports.is_empty()).then(|| json!(exposed_ports)),
        ),
        ("User", spec.user.as_ref().map(|user| json!(user))),
        ("WorkingDir", spec.workdir.as_ref().map(|dir| json!(dir))),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            container[key] = value;
        }
    }
    let mut config = json!({
        "architecture": spec.architecture,
        "os": spec.os,
        "created": created,
        "config": container,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    });
    let mut platform = json!({"architecture": spec.architecture, "os": spec.os});
    if let Some(variant) = spec.variant.as_ref().filter(|variant| !variant.is_empty()) {
        config["variant"] = json!(variant);
        platform["variant"] = json!(variant);
    }
    let config_descriptor = write_blob(output, CONFIG_MEDIA_TYPE, &to_json_bytes(&config))?;

    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": MANIFEST_MEDIA_TYPE,
        "config": config_descriptor,
        "layers": layer_descriptors,
    });
    let mut manifest_descriptor =
        write_blob(output, MANIFEST_MEDIA_TYPE, &to_json_bytes(&manifest))?;
    manifest_descriptor.platform = Some(platform);

    let index = json!({
        "schemaVersion": 2,
        "mediaType": INDEX_MEDIA_TYPE,
        "manifests": [manifest_descriptor],
    });
    let files: [(&str, Vec<u8>); 2] = [
        (
            "oci-layout",
            to_json_bytes(&json!({"imageLayoutVersion": "1.0.0"})),
        ),
        ("index.json", to_json_bytes(&index)),
    ];
    for (name, bytes) in files {
        let path = output.join(name);
        fs::write(&path, bytes).context(|| format!("failed to write {}", path.display()))?;
    }
    Ok(())
}

/// The single manifest of a layout written by [`write`], with its config
/// and layers.
pub struct LayoutImage {
    pub config: Descriptor,
    pub layers: Vec<Descriptor>,
}

/// Reads the manifest that `index.json` of `layout` points to.
pub fn read_layout(layout: &Path) -> Result<LayoutImage> {
    let read_json = |path: PathBuf| -> Result<Value> {
        let bytes = fs::read(&path).context(|| format!("failed to read {}", path.display()))?;
        serde_json::from_slice(&bytes).context(|| format!("invalid JSON in {}", path.display()))
    };
    let index = read_json(layout.join("index.json"))?;
    let manifests: Vec<Descriptor> = serde_json::from_value(index["manifests"].clone())
        .context(|| format!("invalid manifests list in {}/index.json", layout.display()))?;
    let [manifest] = manifests.as_slice() else {
        return Err(Error::new(format!(
            "{}/index.json lists {} manifests; a docker-archive needs exactly one",
            layout.display(),
            manifests.len()
        )));
    };
    let manifest = read_json(layout.join("blobs/sha256").join(manifest.hex()))?;
    let config = serde_json::from_value(manifest["config"].clone())
        .context(|| "invalid config descriptor in the manifest".to_owned())?;
    let layers = serde_json::from_value(manifest["layers"].clone())
        .context(|| "invalid layer descriptors in the manifest".to_owned())?;
    Ok(LayoutImage { config, layers })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_epoch() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn rfc3339_leap_day() {
        assert_eq!(rfc3339(951_827_696), "2000-02-29T12:34:56Z");
    }

    fn spec_with(labels: &[(&str, &str)], stable_status: Option<PathBuf>) -> Spec {
        Spec {
            os: "linux".into(),
            architecture: "amd64".into(),
            variant: None,
            entrypoint: vec![],
            cmd: vec![],
            env: vec![],
            workdir: None,
            user: None,
            exposed_ports: vec![],
            labels: labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            stable_status,
            layers: vec![],
        }
    }

    #[test]
    fn labels_without_status_say_unknown() {
        let spec = spec_with(&[("revision", "{STABLE_GIT_COMMIT}")], None);
        assert_eq!(expand_labels(&spec).unwrap()["revision"], "unknown");
    }

    #[test]
    fn labels_expand_from_status() {
        let path = std::env::temp_dir().join(format!("imagetool-status-{}", std::process::id()));
        fs::write(&path, "STABLE_GIT_COMMIT abc123\nSTABLE_VERSION 1.2.3\n").unwrap();
        let spec = spec_with(
            &[
                ("revision", "{STABLE_GIT_COMMIT}"),
                ("version", "v{STABLE_VERSION}"),
            ],
            Some(path.clone()),
        );
        let labels = expand_labels(&spec).unwrap();
        assert_eq!(labels["revision"], "abc123");
        assert_eq!(labels["version"], "v1.2.3");

        let missing = spec_with(&[("x", "{STABLE_NOPE}")], Some(path.clone()));
        let error = expand_labels(&missing).unwrap_err().to_string();
        assert!(error.contains("STABLE_NOPE"), "{error}");
        fs::remove_file(path).unwrap();
    }

    fn elf_file(machine: u16, interpreter: Option<&str>) -> ElfFile {
        ElfFile {
            path: "/app/backend".into(),
            info: elf::ElfInfo {
                machine,
                interpreter: interpreter.map(str::to_owned),
            },
        }
    }

    #[test]
    fn elf_machine_mismatch_names_both() {
        let spec = spec_with(&[], None);
        let error = check_elf_files(&spec, &[elf_file(183, None)], &BTreeSet::new())
            .unwrap_err()
            .to_string();
        assert!(error.contains("AArch64 (ELF machine 183)"), "{error}");
        assert!(error.contains("linux/amd64"), "{error}");
        assert!(error.contains("x86-64 (ELF machine 62)"), "{error}");
    }

    #[test]
    fn elf_missing_interpreter_is_rejected() {
        let spec = spec_with(&[], None);
        let file = elf_file(62, Some("/lib/ld-musl-x86_64.so.1"));
        let error = check_elf_files(&spec, &[file], &BTreeSet::new())
            .unwrap_err()
            .to_string();
        assert!(error.contains("/lib/ld-musl-x86_64.so.1"), "{error}");
    }

    #[test]
    fn elf_present_interpreter_is_accepted() {
        let spec = spec_with(&[], None);
        let file = elf_file(62, Some("/lib/ld-musl-x86_64.so.1"));
        let paths = BTreeSet::from(["/lib/ld-musl-x86_64.so.1".to_owned()]);
        assert!(check_elf_files(&spec, &[file], &paths).is_ok());
    }

    #[test]
    fn static_elf_for_image_machine_is_accepted() {
        let spec = spec_with(&[], None);
        assert!(check_elf_files(&spec, &[elf_file(62, None)], &BTreeSet::new()).is_ok());
    }
}
