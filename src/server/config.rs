//! Typed configuration, read once from the environment at start.

use std::{
    net::{IpAddr, SocketAddr},
    path::PathBuf,
    time::Duration,
};

/// Everything PartWatch reads from its environment. A bad value stops the server with a
/// message naming the variable.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: the database (default `sqlite://partwatch.db?mode=rwc`, or
    /// `postgres://localhost/partwatch` in a build with the `postgres` feature).
    pub database_url: String,
    /// `DATABASE_READ_URL` (PostgreSQL only, optional): a read replica for the public reads of
    /// visitors without a session (catalogue, part pages, home page).
    pub database_read_url: Option<String>,
    /// `LEPTOS_SITE_ADDR`: where to listen (default `127.0.0.1:3000`).
    pub site_addr: SocketAddr,
    /// `UPLOAD_DIR`: where part images are stored (default `uploads`) when
    /// [`Config::storage`] is the disk.
    pub upload_dir: PathBuf,
    /// `PARTWATCH_STORAGE`: where part images are stored: unset for files in
    /// [`Config::upload_dir`], `s3://bucket[/prefix]` for objects in an S3-compatible bucket
    /// (endpoint, region and keys from the usual `AWS_*` variables; see `media::storage`).
    pub storage: Storage,
    /// `PARTWATCH_SECURE_COOKIES`: mark the session cookie `Secure` (default off; turn on when
    /// served over HTTPS).
    pub secure_cookies: bool,
    /// `PARTWATCH_DEMO_DATA`: load demo data into an empty database (default off; the run
    /// command turns it on).
    pub demo_data: bool,
    /// `PARTWATCH_TRUSTED_PROXY`: the address of a reverse proxy in front of PartWatch (default
    /// none). Only requests from it may name the client address (`X-Forwarded-For`); without
    /// it the socket's peer is the client, whatever headers say.
    pub trusted_proxy: Option<IpAddr>,
    /// `PARTWATCH_SESSION_MAX_HOURS`: how long a login lasts at most, however active (default
    /// 720, 30 days); after 7 idle days a session ends sooner.
    pub session_lifetime: Duration,
    /// `PARTWATCH_REQUEST_TIMEOUT_SECS`: how long any request may take before it is answered
    /// with 408 (default 30).
    pub request_timeout: Duration,
    /// `PARTWATCH_HEADER_TIMEOUT_SECS`: how long a client may take to send a request's headers,
    /// and how long a connection may sit idle with no request in progress, before the server
    /// closes it (default 10, 1 to 300). Slow or silent clients would otherwise hold their
    /// connections forever; [`Config::request_timeout`] only starts once the headers are in.
    pub header_timeout: Duration,
    /// `PARTWATCH_MAX_CONNECTIONS`: how many client connections are served at once (default
    /// 1024, 1 to 100000). Further clients wait in the listen backlog until one closes. Each
    /// connection takes a file descriptor: the server lowers the cap to fit its open-files limit
    /// (`ulimit -n`) and says so at start.
    pub max_connections: usize,
    /// `PARTWATCH_PAYMENT_DAYS`: how long a customer has to pay an order (default 7, 1 to 90
    /// days). An order still unpaid then is cancelled and its stock put back on sale. Every
    /// server process of one shop must use the same value: it is the deadline customers see.
    pub payment_window: Duration,
}

/// Where part images are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// Files in `UPLOAD_DIR` (the default).
    Disk,
    /// Objects in an S3-compatible bucket, named `<prefix>/<file>` (or `<file>` without a
    /// prefix).
    S3 {
        /// The bucket's name.
        bucket: String,
        /// Folders before each object's name, without leading or trailing `/`.
        prefix: Option<String>,
    },
}

impl Storage {
    /// Reads `PARTWATCH_STORAGE`: empty for the disk, else `s3://bucket` or
    /// `s3://bucket/prefix` (a bucket name as S3 allows it: 3 to 63 lowercase letters, digits,
    /// dots and hyphens, a letter or digit at each end; prefix folders of letters, digits and
    /// `.`, `_`, `-`).
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(Self::Disk);
        }
        let error = |message: String| ConfigError {
            var: "PARTWATCH_STORAGE",
            message,
        };
        let shape = "s3://bucket or s3://bucket/prefix (or unset, for files in UPLOAD_DIR)";
        let rest = match value.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("s3") => rest,
            _ => return Err(error(format!("'{value}' is not {shape}"))),
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(error(format!(
                "'{value}' names no bucket; expected {shape}"
            )));
        }
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
            && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !bucket_ok {
            return Err(error(format!(
                "'{bucket}' is not a bucket name (3 to 63 lowercase letters, digits, dots and \
                 hyphens, beginning and ending with a letter or digit)"
            )));
        }
        let prefix = prefix.trim_end_matches('/');
        let prefix_ok = prefix.split('/').all(|folder| {
            !folder.is_empty()
                && folder != "."
                && folder != ".."
                && folder
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        });
        if !prefix.is_empty() && !prefix_ok {
            return Err(error(format!(
                "'{prefix}' is not a prefix of folders made of letters, digits, '.', '_' and '-'"
            )));
        }
        Ok(Self::S3 {
            bucket: bucket.to_owned(),
            prefix: (!prefix.is_empty()).then(|| prefix.to_owned()),
        })
    }
}

/// A configuration value that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    /// The environment variable.
    pub var: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `get`, which returns a variable's value if it is set.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let text = |var: &'static str, default: &str| {
            get(var)
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        let site_addr = text("LEPTOS_SITE_ADDR", "127.0.0.1:3000");
        let site_addr = site_addr.parse().map_err(|_| ConfigError {
            var: "LEPTOS_SITE_ADDR",
            message: format!("'{site_addr}' is not an address like 127.0.0.1:3000"),
        })?;
        Ok(Self {
            database_url: text("DATABASE_URL", super::db::DEFAULT_URL),
            database_read_url: match get("DATABASE_READ_URL").filter(|v| !v.trim().is_empty()) {
                Some(_) if !cfg!(feature = "postgres") => {
                    return Err(ConfigError {
                        var: "DATABASE_READ_URL",
                        message: "a read replica needs the PostgreSQL build (feature postgres)"
                            .into(),
                    })
                }
                url => url,
            },
            site_addr,
            upload_dir: PathBuf::from(text("UPLOAD_DIR", "uploads")),
            storage: Storage::parse(&get("PARTWATCH_STORAGE").unwrap_or_default())?,
            secure_cookies: flag("PARTWATCH_SECURE_COOKIES", get("PARTWATCH_SECURE_COOKIES"))?,
            demo_data: flag("PARTWATCH_DEMO_DATA", get("PARTWATCH_DEMO_DATA"))?,
            session_lifetime: {
                let hours = text("PARTWATCH_SESSION_MAX_HOURS", "720");
                match hours.trim().parse::<u64>() {
                    Ok(h) if (1..=8760).contains(&h) => Duration::from_secs(h * 3600),
                    _ => {
                        return Err(ConfigError {
                            var: "PARTWATCH_SESSION_MAX_HOURS",
                            message: format!("'{hours}' is not a number of hours from 1 to 8760"),
                        })
                    }
                }
            },
            request_timeout: {
                let secs = text("PARTWATCH_REQUEST_TIMEOUT_SECS", "30");
                match secs.trim().parse::<u64>() {
                    Ok(s) if (1..=3600).contains(&s) => Duration::from_secs(s),
                    _ => {
                        return Err(ConfigError {
                            var: "PARTWATCH_REQUEST_TIMEOUT_SECS",
                            message: format!("'{secs}' is not a number of seconds from 1 to 3600"),
                        })
                    }
                }
            },
            payment_window: {
                let days = text("PARTWATCH_PAYMENT_DAYS", "7");
                match days.trim().parse::<u64>() {
                    Ok(d) if (1..=90).contains(&d) => Duration::from_secs(d * 86_400),
                    _ => {
                        return Err(ConfigError {
                            var: "PARTWATCH_PAYMENT_DAYS",
                            message: format!("'{days}' is not a number of days from 1 to 90"),
                        })
                    }
                }
            },
            header_timeout: {
                let secs = text("PARTWATCH_HEADER_TIMEOUT_SECS", "10");
                match secs.trim().parse::<u64>() {
                    Ok(s) if (1..=300).contains(&s) => Duration::from_secs(s),
                    _ => {
                        return Err(ConfigError {
                            var: "PARTWATCH_HEADER_TIMEOUT_SECS",
                            message: format!("'{secs}' is not a number of seconds from 1 to 300"),
                        })
                    }
                }
            },
            max_connections: {
                let max = text("PARTWATCH_MAX_CONNECTIONS", "1024");
                match max.trim().parse::<usize>() {
                    Ok(n) if (1..=100_000).contains(&n) => n,
                    _ => {
                        return Err(ConfigError {
                            var: "PARTWATCH_MAX_CONNECTIONS",
                            message: format!("'{max}' is not a number from 1 to 100000"),
                        })
                    }
                }
            },
            trusted_proxy: match get("PARTWATCH_TRUSTED_PROXY")
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
            {
                None => None,
                Some(v) => Some(v.parse().map_err(|_| ConfigError {
                    var: "PARTWATCH_TRUSTED_PROXY",
                    message: format!("'{v}' is not an IP address like 10.0.0.2"),
                })?),
            },
        })
    }
}

fn flag(var: &'static str, value: Option<String>) -> Result<bool, ConfigError> {
    match value
        .as_deref()
        .map(|v| v.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("") | Some("0") | Some("false") | Some("no") | Some("off") => Ok(false),
        Some("1") | Some("true") | Some("yes") | Some("on") => Ok(true),
        Some(other) => Err(ConfigError {
            var,
            message: format!("'{other}' is not one of 1/0, true/false, yes/no, on/off"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn a_read_replica_is_optional_and_needs_the_postgres_build() {
        assert_eq!(read(&[]).unwrap().database_read_url, None);
        assert_eq!(
            read(&[("DATABASE_READ_URL", " ")])
                .unwrap()
                .database_read_url,
            None
        );
        let replica = read(&[("DATABASE_READ_URL", "postgres://replica/partwatch")]);
        if cfg!(feature = "postgres") {
            assert_eq!(
                replica.unwrap().database_read_url.as_deref(),
                Some("postgres://replica/partwatch")
            );
        } else {
            assert_eq!(replica.unwrap_err().var, "DATABASE_READ_URL");
        }
    }

    fn read(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_match_the_readme() {
        let c = read(&[]).unwrap();
        assert_eq!(c.database_url, crate::server::db::DEFAULT_URL);
        assert_eq!(c.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.upload_dir, PathBuf::from("uploads"));
        assert_eq!(c.storage, Storage::Disk);
        assert!(!c.secure_cookies);
        assert!(!c.demo_data);
        assert_eq!(c.trusted_proxy, None);
        assert_eq!(c.session_lifetime, Duration::from_secs(30 * 24 * 3600));
        assert_eq!(c.request_timeout, Duration::from_secs(30));
        assert_eq!(c.header_timeout, Duration::from_secs(10));
        assert_eq!(c.max_connections, 1024);
        assert_eq!(c.payment_window, Duration::from_secs(7 * 24 * 3600));
    }

    #[test]
    fn the_payment_window_is_whole_days_from_1_to_90() {
        let days = |v: &str| read(&[("PARTWATCH_PAYMENT_DAYS", v)]).map(|c| c.payment_window);
        assert_eq!(days(" 14 ").unwrap(), Duration::from_secs(14 * 86_400));
        assert_eq!(days("1").unwrap(), Duration::from_secs(86_400));
        assert_eq!(days("90").unwrap(), Duration::from_secs(90 * 86_400));
        assert_eq!(
            days("").unwrap(),
            Duration::from_secs(7 * 86_400),
            "empty is the default"
        );
        for bad in ["0", "91", "-1", "7.5", "a week", "99999999999999999999"] {
            let err = days(bad).unwrap_err();
            assert_eq!(err.var, "PARTWATCH_PAYMENT_DAYS", "{bad}");
            assert_eq!(
                err.to_string(),
                format!("PARTWATCH_PAYMENT_DAYS: '{bad}' is not a number of days from 1 to 90")
            );
        }
    }

    #[test]
    fn the_header_timeout_is_whole_seconds_from_1_to_300() {
        let secs =
            |v: &str| read(&[("PARTWATCH_HEADER_TIMEOUT_SECS", v)]).map(|c| c.header_timeout);
        assert_eq!(secs(" 2 ").unwrap(), Duration::from_secs(2));
        assert_eq!(secs("1").unwrap(), Duration::from_secs(1));
        assert_eq!(secs("300").unwrap(), Duration::from_secs(300));
        assert_eq!(
            secs("").unwrap(),
            Duration::from_secs(10),
            "empty is the default"
        );
        for bad in ["0", "301", "-1", "2.5", "ten", "99999999999999999999"] {
            let err = secs(bad).unwrap_err();
            assert_eq!(err.var, "PARTWATCH_HEADER_TIMEOUT_SECS", "{bad}");
            assert_eq!(
                err.to_string(),
                format!("PARTWATCH_HEADER_TIMEOUT_SECS: '{bad}' is not a number of seconds from 1 to 300")
            );
        }
    }

    #[test]
    fn the_connection_cap_is_a_number_from_1_to_100000() {
        let max = |v: &str| read(&[("PARTWATCH_MAX_CONNECTIONS", v)]).map(|c| c.max_connections);
        assert_eq!(max(" 50 ").unwrap(), 50);
        assert_eq!(max("1").unwrap(), 1);
        assert_eq!(max("100000").unwrap(), 100_000);
        assert_eq!(max("").unwrap(), 1024, "empty is the default");
        for bad in [
            "0",
            "100001",
            "-5",
            "1e3",
            "many",
            "99999999999999999999999",
        ] {
            let err = max(bad).unwrap_err();
            assert_eq!(err.var, "PARTWATCH_MAX_CONNECTIONS", "{bad}");
            assert_eq!(
                err.to_string(),
                format!("PARTWATCH_MAX_CONNECTIONS: '{bad}' is not a number from 1 to 100000")
            );
        }
    }

    #[test]
    fn the_storage_is_the_disk_or_an_s3_bucket_with_an_optional_prefix() {
        let storage = |v: &str| read(&[("PARTWATCH_STORAGE", v)]).map(|c| c.storage);
        let s3 = |bucket: &str, prefix: Option<&str>| Storage::S3 {
            bucket: bucket.into(),
            prefix: prefix.map(Into::into),
        };
        assert_eq!(storage("").unwrap(), Storage::Disk, "empty is the disk");
        assert_eq!(storage("  ").unwrap(), Storage::Disk);
        assert_eq!(storage("s3://photos").unwrap(), s3("photos", None));
        assert_eq!(storage(" s3://photos/ ").unwrap(), s3("photos", None));
        assert_eq!(storage("S3://photos").unwrap(), s3("photos", None));
        assert_eq!(
            storage("s3://partwatch.photos-eu/shop/parts/").unwrap(),
            s3("partwatch.photos-eu", Some("shop/parts"))
        );
        assert_eq!(storage("s3://p-1/a_b.c").unwrap(), s3("p-1", Some("a_b.c")));
        let shape = "s3://bucket or s3://bucket/prefix (or unset, for files in UPLOAD_DIR)";
        for (bad, message) in [
            (
                "s3://",
                format!("'s3://' names no bucket; expected {shape}"),
            ),
            (
                "s3:///photos",
                format!("'s3:///photos' names no bucket; expected {shape}"),
            ),
            ("ftp://x", format!("'ftp://x' is not {shape}")),
            ("photos", format!("'photos' is not {shape}")),
            ("/var/photos", format!("'/var/photos' is not {shape}")),
            ("s3:/photos", format!("'s3:/photos' is not {shape}")),
            ("https://photos", format!("'https://photos' is not {shape}")),
        ] {
            let err = storage(bad).unwrap_err();
            assert_eq!(err.var, "PARTWATCH_STORAGE", "{bad}");
            assert_eq!(
                err.to_string(),
                format!("PARTWATCH_STORAGE: {message}"),
                "{bad}"
            );
        }
        for bad_bucket in [
            "Photos",
            "ph",
            "-photos",
            "photos-",
            "pho_tos",
            "pho tos",
            "photos?x=1",
            "phötos",
        ] {
            let err = storage(&format!("s3://{bad_bucket}")).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "PARTWATCH_STORAGE: '{bad_bucket}' is not a bucket name (3 to 63 lowercase \
                     letters, digits, dots and hyphens, beginning and ending with a letter or \
                     digit)"
                ),
            );
        }
        assert!(storage(&format!("s3://{}", "a".repeat(63))).is_ok());
        assert!(storage(&format!("s3://{}", "a".repeat(64))).is_err());
        for bad_prefix in ["a//b", "../x", "a/./b", "a b", "a?b", "ä"] {
            let err = storage(&format!("s3://photos/{bad_prefix}")).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "PARTWATCH_STORAGE: '{bad_prefix}' is not a prefix of folders made of \
                     letters, digits, '.', '_' and '-'"
                ),
                "{bad_prefix}"
            );
        }
    }

    #[test]
    fn flags_and_addresses_are_checked() {
        let c = read(&[
            ("PARTWATCH_DEMO_DATA", "on"),
            ("PARTWATCH_SECURE_COOKIES", "1"),
        ])
        .unwrap();
        assert!(c.demo_data && c.secure_cookies);
        let err = read(&[("PARTWATCH_DEMO_DATA", "maybe")]).unwrap_err();
        assert_eq!(err.var, "PARTWATCH_DEMO_DATA");
        let err = read(&[("LEPTOS_SITE_ADDR", "localhost")]).unwrap_err();
        assert_eq!(err.var, "LEPTOS_SITE_ADDR");
        let c = read(&[("PARTWATCH_TRUSTED_PROXY", " 10.0.0.2 ")]).unwrap();
        assert_eq!(c.trusted_proxy, Some("10.0.0.2".parse().unwrap()));
        let err = read(&[("PARTWATCH_SESSION_MAX_HOURS", "0")]).unwrap_err();
        assert_eq!(err.var, "PARTWATCH_SESSION_MAX_HOURS");
        let err = read(&[("PARTWATCH_TRUSTED_PROXY", "proxy.local")]).unwrap_err();
        assert_eq!(err.var, "PARTWATCH_TRUSTED_PROXY");
    }
}
