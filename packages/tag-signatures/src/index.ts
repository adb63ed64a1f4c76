export { ALLOWED_SIGNERS_PATH, GPG_SIGNERS_PATH, readTrustedSigners, type TrustedSigners } from './trusted-signers';
export { verifyTagSignature, type TagSignatureResult, type TagSignatureStatus } from './verify-tag-signature';
export { createSignedTag, createTrustedSignedTag, type SignedTagOptions } from './create-signed-tag';
export { signatureVerdict, type SignatureVerdict } from './signature-verdict';
