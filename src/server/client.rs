//! Who the client is, as far as the network tells: its address (behind a trusted proxy, the
//! one the proxy saw) and the key attempt limits count an address under.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The key an address is counted under: IPv4 addresses as they are, IPv6 addresses by their
/// /64 network (one subscriber or host usually has a whole /64 and could otherwise take a
/// fresh address for every attempt); IPv4 written as IPv6 (`::ffff:a.b.c.d`) as IPv4.
pub fn address_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{}/64", Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// One `X-Forwarded-For` entry as an address: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`,
/// `[2001:db8::1]:443`, optionally quoted.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim().trim_matches('"');
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')
                .and_then(|rest| rest.split(']').next())
                .and_then(|inner| inner.parse::<IpAddr>().ok())
        })
}

/// The client's address: the socket's peer, or, when that peer is the configured trusted
/// proxy, the last address in `X-Forwarded-For` (the one the proxy appended; earlier entries
/// are whatever the client claimed). An unreadable last entry counts as the proxy itself,
/// never as an earlier, client-chosen entry. Unknown (no socket, as in tests driving the
/// router directly) is 0.0.0.0.
pub fn client_address(
    extensions: &axum::http::Extensions,
    headers: &axum::http::HeaderMap,
    trusted_proxy: Option<IpAddr>,
) -> IpAddr {
    let peer = extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if trusted_proxy != Some(peer) {
        return peer;
    }
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .rfind(|entry| !entry.trim().is_empty());
    last.and_then(forwarded_address).unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{Extensions, HeaderMap};

    #[test]
    fn ipv6_clients_count_by_their_64_network() {
        let key = |a: &str| address_key(a.parse().unwrap());
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:ffff:1:2:3"));
        assert_eq!(key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:203.0.113.9"), "203.0.113.9");
        assert_eq!(key("203.0.113.9"), "203.0.113.9");
    }

    #[test]
    fn the_address_comes_from_the_socket_unless_behind_the_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.9".parse().unwrap());
        let from = |peer: &str| {
            let mut ext = Extensions::new();
            ext.insert(axum::extract::ConnectInfo::<SocketAddr>(
                peer.parse().unwrap(),
            ));
            ext
        };
        // A client cannot pick its own address by sending the header.
        assert_eq!(
            client_address(&from("198.51.100.4:5000"), &headers, Some(proxy)),
            "198.51.100.4".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            client_address(&from("198.51.100.4:5000"), &headers, None),
            "198.51.100.4".parse::<IpAddr>().unwrap()
        );
        // Behind the proxy, the address the proxy appended counts.
        assert_eq!(
            client_address(&from("10.0.0.2:443"), &headers, Some(proxy)),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            client_address(&Extensions::new(), &headers, None),
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        );
        // What proxies write: ports, IPv6 in brackets, quotes, several headers.
        let behind = |values: &[&str]| {
            let mut h = HeaderMap::new();
            for v in values {
                h.append("x-forwarded-for", v.parse().unwrap());
            }
            client_address(&from("10.0.0.2:443"), &h, Some(proxy)).to_string()
        };
        assert_eq!(behind(&["6.6.6.6, 203.0.113.9:51234"]), "203.0.113.9");
        assert_eq!(behind(&["6.6.6.6", "[2001:db8::7]:443"]), "2001:db8::7");
        assert_eq!(behind(&["\"2001:db8::8\""]), "2001:db8::8");
        assert_eq!(behind(&["6.6.6.6, 203.0.113.9 , "]), "203.0.113.9");
        // An unreadable last entry is the proxy, never the client's own earlier claim.
        assert_eq!(behind(&["6.6.6.6, unknown"]), "10.0.0.2");
        assert_eq!(behind(&["6.6.6.6, 1.2.3.4:x"]), "10.0.0.2");
    }
}
