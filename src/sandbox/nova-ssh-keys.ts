/**
 * OpenSSH public keys as Nova handles them (nova/crypto.py): the MD5 fingerprint of the key blob,
 * a structural check standing in for `load_ssh_public_key`, and RSA key generation in paramiko's
 * formats (PKCS#1 PEM private key, `ssh-rsa … Generated-by-Nova` public key).
 */
import { createHash, createPublicKey, generateKeyPair, X509Certificate } from "node:crypto";

/** How many length-prefixed fields each key type's blob holds, its type name included (RFC 4253 §6.6, RFC 5656, RFC 8709). */
const BLOB_FIELDS: Record<string, number> = {
  "ssh-rsa": 3,
  "ssh-dss": 5,
  "ssh-ed25519": 2,
  "ecdsa-sha2-nistp256": 3,
  "ecdsa-sha2-nistp384": 3,
  "ecdsa-sha2-nistp521": 3,
};

/** The fingerprint Nova stores for an ssh public key, or undefined when the key does not parse. */
export function sshFingerprint(publicKey: string): string | undefined {
  const [type = "", data = ""] = publicKey.trim().split(/\s+/);
  const expected = BLOB_FIELDS[type];
  if (expected === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return undefined;
  const blob = Buffer.from(data, "base64");
  const fields = blobFields(blob);
  if (fields?.length !== expected || fields[0]?.toString("latin1") !== type) return undefined;
  if (type === "ssh-ed25519" && fields[1]?.length !== 32) return undefined;
  return colonHex(createHash("md5").update(blob).digest("hex"));
}

/** The fingerprint Nova stores for an x509 certificate (SHA-1 of its DER), or undefined when it does not parse. */
export function x509Fingerprint(pem: string): string | undefined {
  try {
    return new X509Certificate(pem).fingerprint.toLowerCase();
  } catch {
    return undefined;
  }
}

/** A fresh 2048-bit RSA keypair as `nova.crypto.generate_key_pair` returns it. */
export async function generateSshKeyPair(): Promise<{ privateKey: string; publicKey: string; fingerprint: string }> {
  // Asynchronous: a 2048-bit key takes tens of milliseconds, which the event loop should not wait for.
  const { privateKey, publicKey } = await new Promise<{ privateKey: string; publicKey: string }>((resolve, reject) => {
    generateKeyPair(
      "rsa",
      { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs1", format: "pem" } },
      (error, pub, priv) => (error ? reject(error) : resolve({ privateKey: priv, publicKey: pub })),
    );
  });
  const jwk = createPublicKey(publicKey).export({ format: "jwk" }) as { n: string; e: string };
  const blob = Buffer.concat([sshString(Buffer.from("ssh-rsa")), sshString(mpint(jwk.e)), sshString(mpint(jwk.n))]);
  const openssh = `ssh-rsa ${blob.toString("base64")} Generated-by-Nova`;
  return { privateKey, publicKey: openssh, fingerprint: colonHex(createHash("md5").update(blob).digest("hex")) };
}

// --- internal ---

function blobFields(blob: Buffer): Buffer[] | undefined {
  const fields: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    if (at + 4 > blob.length) return undefined;
    const length = blob.readUInt32BE(at);
    if (at + 4 + length > blob.length) return undefined;
    fields.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return fields;
}

function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** A base64url big-endian unsigned integer as an SSH mpint (a zero byte first when the top bit is set). */
function mpint(b64url: string): Buffer {
  const bytes = Buffer.from(b64url, "base64url");
  return (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

function colonHex(hex: string): string {
  return hex.match(/../g)?.join(":") ?? "";
}
