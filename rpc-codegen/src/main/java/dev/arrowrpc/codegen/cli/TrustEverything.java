package dev.arrowrpc.codegen.cli;

import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/** The trust of {@code --insecure}: every server certificate is accepted, unverified. */
enum TrustEverything implements X509TrustManager {
  /** The one instance. */
  INSTANCE;

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {
    // a client-side trust manager is never asked about clients
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) {
    // --insecure: accepted without verification
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
