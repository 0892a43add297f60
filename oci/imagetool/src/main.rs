//! imagetool: the actions behind the repository's OCI rules.
//!
//! Every output is a pure function of the inputs: tar entries are sorted,
//! owners, modes and times are written explicitly, and gzip headers carry
//! no timestamp, so the same inputs give the same bytes on every host.

mod cacerts;
mod digest;
mod elf;
mod image;
mod layer;
mod tarball;
mod tarwrite;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  imagetool layer --spec SPEC.json --output LAYER.tar.gz
  imagetool image --spec SPEC.json --output LAYOUT_DIR
  imagetool tarball --layout LAYOUT_DIR --repo-tag TAG [--repo-tag TAG ...] --output IMAGE.tar
  imagetool ca-certificates --output BUNDLE.pem

Times in layers and configs come from SOURCE_DATE_EPOCH (seconds), or 0 when it is unset.";

/// An error with the context of what was being done; printed as one line.
#[derive(Debug)]
pub struct Error(String);

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Adds what was being done, and on which path, to an I/O error.
pub trait Context<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: std::fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|error| Error(format!("{}: {error}", what())))
    }
}

/// Command-line flags: each `--name value` pair, in order.
struct Flags {
    values: HashMap<String, Vec<String>>,
}

impl Flags {
    fn parse(args: &[String], allowed: &[&str]) -> Result<Self> {
        let mut values: HashMap<String, Vec<String>> = HashMap::new();
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let name = arg
                .strip_prefix("--")
                .filter(|name| allowed.contains(name))
                .ok_or_else(|| Error(format!("unknown argument {arg:?}\n{USAGE}")))?;
            let value = iter
                .next()
                .ok_or_else(|| Error(format!("missing value after {arg}\n{USAGE}")))?;
            values
                .entry(name.to_owned())
                .or_default()
                .push(value.clone());
        }
        Ok(Self { values })
    }

    fn all(&self, name: &str) -> &[String] {
        self.values.get(name).map(Vec::as_slice).unwrap_or_default()
    }

    fn path(&self, name: &str) -> Result<PathBuf> {
        match self.all(name) {
            [value] => Ok(PathBuf::from(value)),
            [] => Err(Error(format!("missing required flag --{name}\n{USAGE}"))),
            _ => Err(Error(format!("flag --{name} given more than once"))),
        }
    }
}

/// Seconds since the Unix epoch for every timestamp the tool writes.
pub fn source_date_epoch() -> Result<u64> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Err(_) => Ok(0),
        Ok(value) => value.trim().parse().map_err(|_| {
            Error(format!(
                "invalid SOURCE_DATE_EPOCH {value:?}: expected whole seconds since 1970-01-01"
            ))
        }),
    }
}

fn run(args: &[String]) -> Result<()> {
    let Some((command, rest)) = args.split_first() else {
        return Err(Error(USAGE.to_owned()));
    };
    match command.as_str() {
        "layer" => {
            let flags = Flags::parse(rest, &["spec", "output"])?;
            layer::write(&flags.path("spec")?, &flags.path("output")?)
        }
        "image" => {
            let flags = Flags::parse(rest, &["spec", "output"])?;
            image::write(&flags.path("spec")?, &flags.path("output")?)
        }
        "tarball" => {
            let flags = Flags::parse(rest, &["layout", "repo-tag", "output"])?;
            tarball::write(
                &flags.path("layout")?,
                flags.all("repo-tag"),
                &flags.path("output")?,
            )
        }
        "ca-certificates" => {
            let flags = Flags::parse(rest, &["output"])?;
            cacerts::write(&flags.path("output")?)
        }
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(Error(format!("unknown command {other:?}\n{USAGE}"))),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("imagetool: {error}");
            ExitCode::FAILURE
        }
    }
}
