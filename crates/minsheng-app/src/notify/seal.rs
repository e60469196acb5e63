//! Channel secrets sealed at rest: ChaCha20-Poly1305 with a 32-byte key the binary reads from
//! its configuration or environment and passes in. A sealed text is `v1:` and the base64 of a
//! random 96-bit nonce followed by the ciphertext and its tag; opening checks the tag, so a
//! wrong key or a changed text is refused, never read as something else.

use crate::error::AppError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};

const AAD: &[u8] = b"minsheng-channel-secret";

/// Seals and opens channel secrets with one key.
pub struct Sealer {
    key: LessSafeKey,
    rng: SystemRandom,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(<key hidden>)")
    }
}

fn bad_key() -> AppError {
    AppError::Invalid {
        field: "secret_key".into(),
        reason: "密钥须为32字节,写作64位十六进制或base64 / the key must be 32 bytes, as 64 hex \
                 digits or base64"
            .into(),
    }
}

impl Sealer {
    /// A sealer from the key as configured: 64 hex digits or the base64 of 32 bytes.
    pub fn from_text(text: &str) -> Result<Sealer, AppError> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|_| bad_key())?
        } else {
            STANDARD.decode(text).map_err(|_| bad_key())?
        };
        let key = UnboundKey::new(&CHACHA20_POLY1305, &bytes).map_err(|_| bad_key())?;
        Ok(Sealer {
            key: LessSafeKey::new(key),
            rng: SystemRandom::new(),
        })
    }

    /// `plain` sealed.
    pub fn seal(&self, plain: &str) -> Result<String, AppError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).map_err(|_| AppError::Invalid {
            field: "secret".into(),
            reason: "系统随机数不可用 / the system's random source failed".into(),
        })?;
        let mut data = plain.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(AAD),
                &mut data,
            )
            .map_err(|_| bad_key())?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        Ok(format!("v1:{}", STANDARD.encode(out)))
    }

    /// The secret a sealed text holds; refused when it was sealed with another key or changed.
    pub fn open(&self, sealed: &str) -> Result<String, AppError> {
        let refused = || AppError::Invalid {
            field: "secret".into(),
            reason: "渠道密钥无法解密(密钥已更换或数据损坏)/ the channel's secret cannot be \
                     opened (another key, or damaged)"
                .into(),
        };
        let raw = sealed
            .strip_prefix("v1:")
            .and_then(|b| STANDARD.decode(b).ok())
            .filter(|r| r.len() > NONCE_LEN)
            .ok_or_else(refused)?;
        let (nonce, data) = raw.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| refused())?;
        let mut data = data.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(AAD), &mut data)
            .map_err(|_| refused())?;
        String::from_utf8(plain.to_vec()).map_err(|_| refused())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_opens_with_its_key_only() {
        let a = Sealer::from_text(&"ab".repeat(32)).unwrap();
        let b = Sealer::from_text(&"cd".repeat(32)).unwrap();
        let sealed = a.seal("SECabc123").unwrap();
        assert!(!sealed.contains("SECabc123"));
        assert_eq!(a.open(&sealed).unwrap(), "SECabc123");
        assert!(b.open(&sealed).is_err());
        assert_ne!(
            a.seal("x").unwrap(),
            a.seal("x").unwrap(),
            "a fresh nonce each time"
        );
        assert!(Sealer::from_text("short").is_err());
    }
}
