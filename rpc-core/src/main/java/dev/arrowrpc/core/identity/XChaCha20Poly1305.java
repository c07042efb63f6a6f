package dev.arrowrpc.core.identity;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * XChaCha20-Poly1305 (libsodium's IETF construction) from the JDK's ChaCha20-Poly1305: HChaCha20
 * derives a subkey from the key and the first 16 nonce bytes, and the RFC 8439 AEAD runs under that
 * subkey with the nonce {@code 0x00000000 || nonce[16..24]}.
 */
final class XChaCha20Poly1305 {
  static final int KEY_BYTES = 32;
  static final int NONCE_BYTES = 24;
  static final int TAG_BYTES = 16;

  private XChaCha20Poly1305() {}

  /** Encrypts; returns ciphertext followed by the 16-byte tag. */
  static byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) {
    try {
      return cipher(Cipher.ENCRYPT_MODE, key, nonce, aad).doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 failed", e);
    }
  }

  /**
   * Decrypts and verifies ciphertext followed by its tag.
   *
   * @throws GeneralSecurityException when the tag does not verify
   */
  static byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] sealed) throws GeneralSecurityException {
    if (sealed.length < TAG_BYTES) {
      throw new GeneralSecurityException("sealed text shorter than its tag");
    }
    return cipher(Cipher.DECRYPT_MODE, key, nonce, aad).doFinal(sealed);
  }

  private static Cipher cipher(int mode, byte[] key, byte[] nonce, byte[] aad) throws GeneralSecurityException {
    if (key.length != KEY_BYTES || nonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException("XChaCha20-Poly1305 takes a 32-byte key and a 24-byte nonce");
    }
    byte[] subkey = hChaCha20(key, Arrays.copyOfRange(nonce, 0, 16));
    byte[] inner = new byte[12];
    System.arraycopy(nonce, 16, inner, 4, 8);
    Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
    cipher.init(mode, new SecretKeySpec(subkey, "ChaCha20"), new IvParameterSpec(inner));
    cipher.updateAAD(aad);
    return cipher;
  }

  /** HChaCha20: the ChaCha20 core (20 rounds, no final addition), keeping words 0-3 and 12-15. */
  static byte[] hChaCha20(byte[] key, byte[] nonce16) {
    int[] s = new int[16];
    s[0] = 0x61707865;
    s[1] = 0x3320646e;
    s[2] = 0x79622d32;
    s[3] = 0x6b206574;
    for (int i = 0; i < 8; i++) {
      s[4 + i] = le(key, 4 * i);
    }
    for (int i = 0; i < 4; i++) {
      s[12 + i] = le(nonce16, 4 * i);
    }
    for (int round = 0; round < 10; round++) {
      quarter(s, 0, 4, 8, 12);
      quarter(s, 1, 5, 9, 13);
      quarter(s, 2, 6, 10, 14);
      quarter(s, 3, 7, 11, 15);
      quarter(s, 0, 5, 10, 15);
      quarter(s, 1, 6, 11, 12);
      quarter(s, 2, 7, 8, 13);
      quarter(s, 3, 4, 9, 14);
    }
    byte[] out = new byte[32];
    for (int i = 0; i < 4; i++) {
      putLe(out, 4 * i, s[i]);
      putLe(out, 16 + 4 * i, s[12 + i]);
    }
    return out;
  }

  private static void quarter(int[] s, int a, int b, int c, int d) {
    s[a] += s[b];
    s[d] = Integer.rotateLeft(s[d] ^ s[a], 16);
    s[c] += s[d];
    s[b] = Integer.rotateLeft(s[b] ^ s[c], 12);
    s[a] += s[b];
    s[d] = Integer.rotateLeft(s[d] ^ s[a], 8);
    s[c] += s[d];
    s[b] = Integer.rotateLeft(s[b] ^ s[c], 7);
  }

  private static int le(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
  }

  private static void putLe(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }
}
