//! The client's address, for throttling sign-ins: the peer of the TCP connection, or — only
//! when that peer is one of the configured trusted proxies — the address the proxies report in
//! `X-Forwarded-For`, read right to left, skipping trusted hops. A client cannot choose its
//! own address by sending the header: from an untrusted peer the header is ignored, and the
//! rightmost address a trusted proxy did not add is the one it saw.

use std::net::IpAddr;
use std::str::FromStr;

/// A block of addresses, `127.0.0.1/32`, `10.0.0.0/8`, `::1/128` (a bare address is the block
/// of that one address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

/// A block of addresses that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "“{0}”不是地址段(如 127.0.0.1/32、10.0.0.0/8、::1/128) / '{0}' is not an address block (127.0.0.1/32, 10.0.0.0/8, ::1/128)"
)]
pub struct CidrError(String);

impl FromStr for Cidr {
    type Err = CidrError;

    fn from_str(s: &str) -> Result<Cidr, CidrError> {
        let bad = || CidrError(s.to_string());
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        let bits = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(bad)?,
        };
        Ok(Cidr { addr, prefix })
    }
}

impl Cidr {
    /// Whether `ip` is in the block (an IPv4 address mapped into IPv6 counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The client's address as a string: `peer` itself unless it is trusted, else the rightmost
/// address in the `X-Forwarded-For` values (`forwarded`, in the order the headers came) that
/// is not trusted; the leftmost one when every hop is trusted. An entry that is not an
/// address ends the walk there: the peer before it is the client as far as anyone can tell.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded: impl IntoIterator<Item = &'a str>,
    trusted: &[Cidr],
) -> String {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer.to_string();
    }
    let hops: Vec<&str> = forwarded
        .into_iter()
        .flat_map(|h| h.split(','))
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidrs(list: &[&str]) -> Vec<Cidr> {
        list.iter().map(|c| c.parse().unwrap()).collect()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn blocks_are_read_and_matched() {
        let c: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(c.contains(ip("10.1.2.3")) && !c.contains(ip("11.0.0.1")));
        assert!(c.contains(ip("::ffff:10.0.0.1")));
        let one: Cidr = "127.0.0.1".parse().unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")));
        let v6: Cidr = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("10.0.0.1")));
        for bad in ["10.0.0.0/33", "example.com", "10.0.0/8", "::1/129", ""] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted = cidrs(&["127.0.0.1/32", "10.0.0.0/8"]);
        // A client straight on the internet cannot pick its address.
        assert_eq!(
            client_address(ip("203.0.113.9"), ["1.2.3.4"], &trusted),
            "203.0.113.9"
        );
        // Behind the proxy: the address the proxy saw.
        assert_eq!(
            client_address(ip("127.0.0.1"), ["198.51.100.7"], &trusted),
            "198.51.100.7"
        );
        // A forged entry on the left is skipped: the rightmost untrusted hop counts.
        assert_eq!(
            client_address(
                ip("127.0.0.1"),
                ["6.6.6.6, 198.51.100.7, 10.0.0.2"],
                &trusted
            ),
            "198.51.100.7"
        );
        // Several headers are one list, in order.
        assert_eq!(
            client_address(ip("127.0.0.1"), ["6.6.6.6", "198.51.100.7"], &trusted),
            "198.51.100.7"
        );
        // Garbage ends the walk; no header at all leaves the proxy itself.
        assert_eq!(
            client_address(ip("127.0.0.1"), ["198.51.100.7, junk"], &trusted),
            "127.0.0.1"
        );
        assert_eq!(client_address(ip("127.0.0.1"), [], &trusted), "127.0.0.1");
        // No trusted proxies configured: the header means nothing.
        assert_eq!(
            client_address(ip("127.0.0.1"), ["1.2.3.4"], &[]),
            "127.0.0.1"
        );
    }
}
