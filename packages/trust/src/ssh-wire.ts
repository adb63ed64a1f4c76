/**
 * The SSH wire encoding (RFC 4251 §5) that OpenSSH keys and SSHSIG signatures are made of:
 * `uint32` big-endian, and `string` = uint32 length + bytes.
 */

/** Thrown when bytes do not follow the wire format; callers turn it into their own refusal. */
export class WireFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

/** Encodes `value` as an SSH `uint32`. */
export function sshUint32(value: number): Uint8Array {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

/** Encodes bytes (or UTF-8 text) as an SSH `string`. */
export function sshString(value: Uint8Array | string): Uint8Array {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([sshUint32(bytes.length), bytes]);
}

/** Reads SSH wire values from a buffer, refusing to read past its end. */
export class SshReader {
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  /** Reads `length` raw bytes. */
  bytesOf(length: number): Uint8Array {
    if (length > this.bytes.length - this.offset) throw new WireFormatError('truncated');
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  uint32(): number {
    return Buffer.from(this.bytesOf(4)).readUInt32BE(0);
  }

  /** Reads a `string` as bytes. The length is checked against what is left, so a hostile length allocates nothing. */
  string(): Uint8Array {
    return this.bytesOf(this.uint32());
  }

  /** Reads a `string` that must be printable ASCII (key types, namespaces, algorithm names). */
  text(): string {
    const bytes = this.string();
    if (!bytes.every((b) => b >= 0x20 && b < 0x7f)) throw new WireFormatError('a name field holds non-printable bytes');
    return Buffer.from(bytes).toString('latin1');
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** Asserts that everything was read: trailing bytes mean a malformed or smuggled structure. */
  end(): void {
    if (this.remaining !== 0) throw new WireFormatError('trailing bytes');
  }
}
