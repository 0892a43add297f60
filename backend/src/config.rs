//! Settings read from environment variables.

use std::env;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

/// Port used when `PORT` is not set.
pub const DEFAULT_PORT: u16 = 3000;

/// The service's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Address to listen on, from `HOST`; all IPv4 interfaces by default.
    pub host: IpAddr,
    /// TCP port to listen on, from `PORT`.
    pub port: u16,
    /// Directory of the frontend bundle, from `FRONTEND_DIR`; nothing but
    /// the API is served when it is unset.
    pub frontend_dir: Option<PathBuf>,
}

/// A setting whose value cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub enum ConfigError {
    InvalidHost(String),
    InvalidPort(String),
    MissingFrontendDir(PathBuf),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidHost(value) => write!(
                f,
                "invalid HOST {value:?}: expected an IP address such as 127.0.0.1 or ::"
            ),
            Self::InvalidPort(value) => write!(
                f,
                "invalid PORT {value:?}: expected a TCP port number from 1 to 65535"
            ),
            Self::MissingFrontendDir(path) => write!(
                f,
                "FRONTEND_DIR {} is not a directory: point it at the built frontend bundle or unset it",
                path.display()
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| env::var(name).ok())
    }

    /// Reads the settings through `lookup`, which maps a variable's name to
    /// its value.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let host = match lookup("HOST") {
            None => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            Some(value) => value
                .trim()
                .parse()
                .map_err(|_| ConfigError::InvalidHost(value.clone()))?,
        };
        let port = match lookup("PORT") {
            None => DEFAULT_PORT,
            Some(value) => parse_port(&value)?,
        };
        let frontend_dir = match lookup("FRONTEND_DIR") {
            None => None,
            Some(value) if value.is_empty() => None,
            Some(value) => {
                let path = PathBuf::from(value);
                if !path.is_dir() {
                    return Err(ConfigError::MissingFrontendDir(path));
                }
                Some(path)
            }
        };
        Ok(Self {
            host,
            port,
            frontend_dir,
        })
    }
}

fn parse_port(value: &str) -> Result<u16, ConfigError> {
    match value.trim().parse::<u16>() {
        Ok(port) if port != 0 => Ok(port),
        _ => Err(ConfigError::InvalidPort(value.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_from(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn host_defaults_to_all_interfaces() {
        assert_eq!(
            config_from(&[]).unwrap().host,
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        );
    }

    #[test]
    fn host_from_environment() {
        let config = config_from(&[("HOST", "127.0.0.1")]).unwrap();
        assert_eq!(config.host, IpAddr::V4(Ipv4Addr::LOCALHOST));
    }

    #[test]
    fn host_rejects_names() {
        assert_eq!(
            config_from(&[("HOST", "localhost")]),
            Err(ConfigError::InvalidHost("localhost".into()))
        );
    }

    #[test]
    fn port_defaults_to_3000() {
        assert_eq!(config_from(&[]).unwrap().port, 3000);
    }

    #[test]
    fn port_from_environment() {
        assert_eq!(config_from(&[("PORT", "8080")]).unwrap().port, 8080);
    }

    #[test]
    fn port_rejects_invalid_values() {
        for value in ["", "abc", "0", "65536", "-1"] {
            assert_eq!(
                config_from(&[("PORT", value)]),
                Err(ConfigError::InvalidPort(value.to_owned())),
                "PORT={value:?}"
            );
        }
    }

    #[test]
    fn port_error_names_value_and_range() {
        let message = ConfigError::InvalidPort("http".into()).to_string();
        assert!(message.contains("\"http\""), "{message}");
        assert!(message.contains("1 to 65535"), "{message}");
    }

    #[test]
    fn frontend_dir_must_exist() {
        let missing = "/nonexistent/frontend";
        assert_eq!(
            config_from(&[("FRONTEND_DIR", missing)]),
            Err(ConfigError::MissingFrontendDir(missing.into()))
        );
    }

    #[test]
    fn frontend_dir_empty_means_unset() {
        assert_eq!(
            config_from(&[("FRONTEND_DIR", "")]).unwrap().frontend_dir,
            None
        );
    }
}
