//! RFC 3161 trusted timestamps of checkpoint notes, with no network in
//! runsheet: it writes the request (`.tsq`), the user sends it to any
//! timestamp authority (for example with `curl`), and runsheet checks the
//! reply (`.tsr`) against the request and the authority's certificate.
//!
//! The ASN.1 types come from the `RustCrypto` crates (`x509-tsp`, `cms`, `x509-cert`);
//! what is checked, in order: the status is granted, the token is CMS
//! signed data holding a `TSTInfo`, its message imprint and nonce are the
//! request's, the signed attributes carry the digest of that `TSTInfo`, and
//! the signature over them verifies with the certificate's key (RSA
//! PKCS#1 v1.5 or ECDSA P-256, the kinds timestamp authorities use).

use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerInfo};
use der::asn1::{AnyRef, Int, OctetString};
use der::oid::ObjectIdentifier;
use der::{
    Any, Decode as _, DecodePem as _, Encode as _, Reader as _, SliceReader, Tag, TagNumber,
    Tagged as _,
};
use rsa::sha2::{Digest as _, Sha256, Sha384, Sha512};
use x509_cert::Certificate;
use x509_cert::spki::AlgorithmIdentifier;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

use crate::hash::to_hex;

const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const RSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const RSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

/// A timestamp request for `message` (SHA-256 imprint, a random 64-bit
/// nonce, the authority's certificate requested), DER-encoded.
pub fn request(message: &[u8]) -> Result<Vec<u8>, String> {
    let mut nonce = [0u8; 8];
    getrandom(&mut nonce)?;
    // A positive INTEGER: clear the top bit so no sign byte is needed.
    nonce[0] &= 0x7f;
    nonce[0] |= 0x01;
    let req = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: imprint_of(message)?,
        req_policy: None,
        nonce: Some(Int::new(&nonce).map_err(der_error)?),
        cert_req: true,
        extensions: None,
    };
    req.to_der().map_err(der_error)
}

fn getrandom(buf: &mut [u8]) -> Result<(), String> {
    use ssh_key::rand_core::RngCore as _;
    ssh_key::rand_core::OsRng
        .try_fill_bytes(buf)
        .map_err(|e| format!("no randomness for the nonce: {e}"))
}

fn imprint_of(message: &[u8]) -> Result<MessageImprint, String> {
    Ok(MessageImprint {
        hash_algorithm: AlgorithmIdentifier {
            oid: SHA256,
            parameters: Some(Any::null()),
        },
        hashed_message: OctetString::new(Sha256::digest(message).to_vec()).map_err(der_error)?,
    })
}

#[allow(clippy::needless_pass_by_value)]
fn der_error(e: der::Error) -> String {
    format!("malformed ASN.1: {e}")
}

/// What a checked timestamp says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// `genTime`, as the authority wrote it (UTC).
    pub gen_time: String,
    /// The SHA-256 stamped, in hex.
    pub imprint: String,
    /// The nonce, in hex.
    pub nonce: String,
    /// The authority certificate's subject.
    pub tsa: String,
    /// The token (a CMS `ContentInfo`), DER.
    pub token: Vec<u8>,
    /// The certificate whose key verified it, DER.
    pub cert: Vec<u8>,
}

/// Reads a request written by [`request`].
pub fn read_request(der: &[u8]) -> Result<TimeStampReq, String> {
    TimeStampReq::from_der(der).map_err(|e| format!("not a timestamp request: {e}"))
}

/// Checks a reply against its request and the authority's certificate
/// (PEM), returning the token.
pub fn check_reply(
    request: &TimeStampReq,
    reply: &[u8],
    cert_pem: Option<&[u8]>,
) -> Result<Stamp, String> {
    let resp = TimeStampResp::from_der(reply).map_err(|e| format!("not a timestamp reply: {e}"))?;
    let granted = matches!(
        resp.status.status,
        cmpv2::status::PkiStatus::Accepted | cmpv2::status::PkiStatus::GrantedWithMods
    );
    if !granted {
        return Err(format!(
            "the authority refused the request (status {:?})",
            resp.status.status
        ));
    }
    let token = resp
        .time_stamp_token
        .ok_or("the reply holds no timestamp token")?;
    let token = token.to_der().map_err(der_error)?;
    check_token(&token, request, cert_pem)
}

/// Checks a token on its own: for `verify`, which has the token and the
/// certificate in the journal and the request's imprint and nonce. Without
/// a certificate, the one inside the token is used (which shows the token
/// is intact, not who the authority is).
pub fn check_token(
    token: &[u8],
    request: &TimeStampReq,
    cert_pem: Option<&[u8]>,
) -> Result<Stamp, String> {
    let info = ContentInfo::from_der(token).map_err(|e| format!("not a timestamp token: {e}"))?;
    if info.content_type != SIGNED_DATA {
        return Err("the token is not CMS signed data".into());
    }
    let signed_data = signed_data_of(&info.content)
        .map_err(|e| format!("the token's signed data is malformed: {e}"))?;
    if signed_data.encap_content_info.econtent_type != TST_INFO {
        return Err("the token does not hold a TSTInfo".into());
    }
    let content = signed_data
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or("the token holds no TSTInfo")?;
    let tst_der = content.value();
    let tst = TstInfo::from_der(tst_der).map_err(|e| format!("the TSTInfo is malformed: {e}"))?;
    if tst.message_imprint != request.message_imprint {
        return Err("the reply is for another request: it stamps another message imprint".into());
    }
    if tst.nonce != request.nonce {
        return Err("the reply is for another request: its nonce differs".into());
    }
    let cert = match cert_pem {
        Some(bytes) => Certificate::from_pem(bytes)
            .or_else(|_| Certificate::from_der(bytes))
            .map_err(|e| format!("the authority certificate is not a PEM certificate: {e}"))?,
        None => embedded_certificate(&signed_data)?,
    };
    let signer = signed_data
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or("the token has no signer")?;
    check_signature(signer, tst_der, &cert)?;
    Ok(Stamp {
        gen_time: tst.gen_time.to_date_time().to_string(),
        imprint: to_hex(request.message_imprint.hashed_message.as_bytes()),
        nonce: request
            .nonce
            .as_ref()
            .map(|n| to_hex(n.as_bytes()))
            .unwrap_or_default(),
        tsa: cert.tbs_certificate.subject.to_string(),
        token: token.to_vec(),
        cert: cert.to_der().map_err(der_error)?,
    })
}

/// `certificates [0] IMPLICIT CertificateSet` in `SignedData`.
const CERTIFICATES: Tag = Tag::ContextSpecific {
    constructed: true,
    number: TagNumber::N0,
};

/// The token's signed data, each certificate it carries kept once. DER
/// allows equal elements in a SET OF, and an authority may send its
/// certificate twice (`openssl ts -reply` with `certs` naming the signer's
/// own), but the decoder refuses a SET OF holding duplicates. The
/// certificates are not signed (the signature covers the signed
/// attributes, which carry the `TSTInfo`'s digest), so dropping a repeat
/// changes nothing that is verified; the token is kept as received.
fn signed_data_of(content: &Any) -> der::Result<SignedData> {
    let mut fields = Vec::new();
    for field in elements(content.value())? {
        if field.tag() == CERTIFICATES {
            let certificates = each_once(field.value())?;
            AnyRef::new(CERTIFICATES, &certificates)?.encode_to_vec(&mut fields)?;
        } else {
            field.encode_to_vec(&mut fields)?;
        }
    }
    // The outer tag as received: anything but a SEQUENCE is still refused.
    Any::new(content.tag(), fields)?.decode_as()
}

/// The contents of a SET OF with each element kept once, in its order.
fn each_once(set: &[u8]) -> der::Result<Vec<u8>> {
    let mut seen: Vec<AnyRef<'_>> = Vec::new();
    let mut kept = Vec::new();
    for element in elements(set)? {
        if !seen.contains(&element) {
            element.encode_to_vec(&mut kept)?;
            seen.push(element);
        }
    }
    Ok(kept)
}

/// The DER elements `bytes` holds one after another, undecoded.
fn elements(bytes: &[u8]) -> der::Result<Vec<AnyRef<'_>>> {
    let mut reader = SliceReader::new(bytes)?;
    let mut found = Vec::new();
    while !reader.is_finished() {
        found.push(AnyRef::decode(&mut reader)?);
    }
    Ok(found)
}

/// The first certificate the token carries.
fn embedded_certificate(signed: &SignedData) -> Result<Certificate, String> {
    signed
        .certificates
        .as_ref()
        .and_then(|set| {
            set.0.iter().find_map(|c| match c {
                cms::cert::CertificateChoices::Certificate(cert) => Some(cert.clone()),
                cms::cert::CertificateChoices::Other(_) => None,
            })
        })
        .ok_or_else(|| {
            "the token carries no certificate: give the authority's with --tsa-cert".to_string()
        })
}

/// The signed attributes must carry the digest of the `TSTInfo` and its
/// content type; the signature over them must verify with `cert`'s key.
fn check_signature(signer: &SignerInfo, tst_der: &[u8], cert: &Certificate) -> Result<(), String> {
    let attrs = signer
        .signed_attrs
        .as_ref()
        .ok_or("the token's signature covers no signed attributes")?;
    let digest = digest(signer.digest_alg.oid, tst_der)?;
    let mut digest_ok = false;
    let mut type_ok = false;
    for attr in attrs.iter() {
        let Some(value) = attr.values.iter().next() else {
            continue;
        };
        if attr.oid == MESSAGE_DIGEST {
            digest_ok = value
                .decode_as::<OctetString>()
                .is_ok_and(|d| d.as_bytes() == digest.as_slice());
        } else if attr.oid == CONTENT_TYPE {
            type_ok = value
                .decode_as::<ObjectIdentifier>()
                .is_ok_and(|t| t == TST_INFO);
        }
    }
    if !digest_ok {
        return Err(
            "the token was altered: its TSTInfo does not match the digest its signature covers"
                .into(),
        );
    }
    if !type_ok {
        return Err("the token's signed attributes do not name a TSTInfo".into());
    }
    let signed_bytes = attrs.to_der().map_err(der_error)?;
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let key_bytes = spki.subject_public_key.raw_bytes();
    let signature = signer.signature.as_bytes();
    let verified = match (spki.algorithm.oid, signer.signature_algorithm.oid) {
        (RSA, alg) if [RSA, RSA_SHA256, RSA_SHA384, RSA_SHA512].contains(&alg) => verify_rsa(
            &spki.to_der().map_err(der_error)?,
            signer.digest_alg.oid,
            &signed_bytes,
            signature,
        ),
        (EC_PUBLIC_KEY, ECDSA_SHA256) => verify_p256(key_bytes, &signed_bytes, signature),
        (key, alg) => {
            return Err(format!(
                "the token is signed with an algorithm runsheet does not check (key {key}, signature {alg})"
            ));
        }
    };
    if verified {
        Ok(())
    } else {
        Err(format!(
            "the token's signature does not verify with the certificate of {}",
            cert.tbs_certificate.subject
        ))
    }
}

fn digest(alg: ObjectIdentifier, bytes: &[u8]) -> Result<Vec<u8>, String> {
    match alg {
        SHA256 => Ok(Sha256::digest(bytes).to_vec()),
        SHA384 => Ok(Sha384::digest(bytes).to_vec()),
        SHA512 => Ok(Sha512::digest(bytes).to_vec()),
        other => Err(format!(
            "the token uses a digest runsheet does not check ({other})"
        )),
    }
}

fn verify_rsa(
    spki_der: &[u8],
    digest_alg: ObjectIdentifier,
    signed: &[u8],
    signature: &[u8],
) -> bool {
    use rsa::pkcs8::DecodePublicKey as _;
    let Ok(key) = rsa::RsaPublicKey::from_public_key_der(spki_der) else {
        return false;
    };
    let (scheme, hashed) = match digest_alg {
        SHA256 => (
            rsa::Pkcs1v15Sign::new::<Sha256>(),
            Sha256::digest(signed).to_vec(),
        ),
        SHA384 => (
            rsa::Pkcs1v15Sign::new::<Sha384>(),
            Sha384::digest(signed).to_vec(),
        ),
        SHA512 => (
            rsa::Pkcs1v15Sign::new::<Sha512>(),
            Sha512::digest(signed).to_vec(),
        ),
        _ => return false,
    };
    key.verify(scheme, &hashed, signature).is_ok()
}

fn verify_p256(key: &[u8], signed: &[u8], signature: &[u8]) -> bool {
    use p256::ecdsa::signature::Verifier as _;
    let (Ok(key), Ok(sig)) = (
        p256::ecdsa::VerifyingKey::from_sec1_bytes(key),
        p256::ecdsa::Signature::from_der(signature),
    ) else {
        return false;
    };
    key.verify(signed, &sig).is_ok()
}

/// A request for the imprint and nonce recorded in an `anchor` entry, to
/// check its token again.
pub fn request_for(imprint_hex: &str, nonce_hex: &str) -> Result<TimeStampReq, String> {
    let unhex = |s: &str| -> Result<Vec<u8>, String> {
        (0..s.len())
            .step_by(2)
            .map(|i| {
                s.get(i..i + 2)
                    .and_then(|p| u8::from_str_radix(p, 16).ok())
                    .ok_or_else(|| format!("`{s}` is not hex"))
            })
            .collect()
    };
    Ok(TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifier {
                oid: SHA256,
                parameters: Some(Any::null()),
            },
            hashed_message: OctetString::new(unhex(imprint_hex)?).map_err(der_error)?,
        },
        req_policy: None,
        nonce: if nonce_hex.is_empty() {
            None
        } else {
            Some(Int::new(&unhex(nonce_hex)?).map_err(der_error)?)
        },
        cert_req: true,
        extensions: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_names_sha256_of_the_message_and_a_positive_nonce() {
        let der = request(b"note\n").unwrap();
        let req = read_request(&der).unwrap();
        assert_eq!(
            req.message_imprint.hashed_message.as_bytes(),
            Sha256::digest(b"note\n").as_slice()
        );
        assert!(req.cert_req);
        let nonce = req.nonce.clone().unwrap();
        assert_eq!(nonce.as_bytes().len(), 8);
        assert!(nonce.as_bytes()[0] < 0x80);
        let again = request_for(
            &to_hex(req.message_imprint.hashed_message.as_bytes()),
            &to_hex(nonce.as_bytes()),
        )
        .unwrap();
        assert_eq!(again, req);
    }
}
