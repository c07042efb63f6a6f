package dev.arrowrpc.codegen.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * The client certificate of {@code --cert} and {@code --key}: a PEM certificate chain and its
 * unencrypted PKCS#8 private key (RSA, EC or Ed25519), read into key managers for HTTPS; every
 * problem is a usage error naming the file.
 */
final class ClientKeys {
  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final char[] PASSWORD = new char[0];

  private ClientKeys() {}

  /**
   * Checks that the files hold a certificate chain and a key this command can use.
   *
   * @param cert the certificate chain, PEM
   * @param key the private key, PKCS#8 PEM
   */
  static void check(Path cert, Path key) {
    read(cert, key);
  }

  /**
   * Key managers presenting the certificate chain with its key.
   *
   * @param cert the certificate chain, PEM
   * @param key the private key, PKCS#8 PEM
   * @return the key managers
   */
  static KeyManager[] managers(Path cert, Path key) {
    KeyStore store = read(cert, key);
    try {
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, PASSWORD);
      return factory.getKeyManagers();
    } catch (GeneralSecurityException e) {
      throw new UsageException("--cert/--key: cannot use the client certificate: " + e.getMessage());
    }
  }

  private static KeyStore read(Path cert, Path key) {
    List<? extends Certificate> chain;
    try (InputStream in = Files.newInputStream(cert)) {
      chain = List.copyOf(java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in));
    } catch (IOException | GeneralSecurityException e) {
      throw new UsageException("--cert: cannot read certificates from " + cert + ": " + e.getMessage());
    }
    if (chain.isEmpty()) {
      throw new UsageException("--cert: no certificate in " + cert);
    }
    PrivateKey privateKey = privateKey(key);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("client", privateKey, PASSWORD, chain.toArray(new Certificate[0]));
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new UsageException("--cert/--key: the key does not go with the certificate: " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(Path key) {
    String pem;
    try {
      pem = Files.readString(key, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UsageException("--key: cannot read " + key + ": " + e.getMessage());
    }
    Matcher m = PKCS8.matcher(pem);
    if (!m.find()) {
      throw new UsageException("--key: " + key + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY); "
          + "convert one with 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8.pem'");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--key: " + key + " is not valid base64: " + e.getMessage());
    }
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
        // not this algorithm: try the next
      }
    }
    throw new UsageException("--key: " + key + " is not an RSA, EC or Ed25519 private key");
  }
}
