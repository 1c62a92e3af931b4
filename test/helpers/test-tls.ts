/**
 * A self-signed certificate for 127.0.0.1 (valid 2020 to 2120), so HTTPS clients can be tested against a local
 * server: trusted where a test passes it as `ca`, refused by the default trust store. Test-only; it guards nothing.
 */
export const TEST_TLS = {
  cert: `-----BEGIN CERTIFICATE-----
MIIBejCCASGgAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAkxMjcuMC4w
LjEwIBcNMjAwMTAxMDAwMDAwWhgPMjEyMDAxMDEwMDAwMDBaMBQxEjAQBgNVBAMM
CTEyNy4wLjAuMTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABCNSWH+4aoYCvKm9
Fop4G85rd155RHcqqBpi8OdDGSe78tZzlHGG6O5oIvF+rgLvexFjPSGFb/s1BBhy
2s12+86jYjBgMA8GA1UdEQQIMAaHBH8AAAEwDAYDVR0TAQH/BAIwADALBgNVHQ8E
BAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwEwHQYDVR0OBBYEFBY9j/5n0lQYiTjf
EI8tgAN/0QncMAoGCCqGSM49BAMCA0cAMEQCIGzvs60yS0yohoCXjoflsj20TMcy
DTGVZ64xk7WpicC0AiAWN75G4dE+89+dQ5Nt2P9w2ngangy/KthV2/ZeZ/AvWw==
-----END CERTIFICATE-----
`,
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgwGc8O4tgsgXzahng
7fK7PJwn5BWnYkUemHhJLD+ETtqhRANCAAQjUlh/uGqGArypvRaKeBvOa3deeUR3
KqgaYvDnQxknu/LWc5RxhujuaCLxfq4C73sRYz0hhW/7NQQYctrNdvvO
-----END PRIVATE KEY-----
`,
};
