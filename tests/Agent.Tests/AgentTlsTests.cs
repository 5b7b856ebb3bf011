using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Blacksmith.Agent.Configuration;
using Blacksmith.Infrastructure.StickyDisk.Protocol;
using Grpc.Core;
using Grpc.Net.Client;

namespace Blacksmith.Agent.Tests;

/// <summary>An agent given a PEM certificate serves TLS (HTTP/2 over ALPN) and nothing in cleartext.</summary>
public sealed class AgentTlsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_a_certificate_the_agent_answers_over_tls_and_refuses_cleartext()
    {
        await using var h = new AgentHarness();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=blacksmith-agent test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePath = Path.Combine(h.Root, "agent.crt");
        var keyPath = Path.Combine(h.Root, "agent.key");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem(), Ct);
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem(), Ct);
        var server = await h.StartAsync(h.Settings() with { TlsCertificatePath = certificatePath, TlsKeyPath = keyPath });
        var address = server.Addresses.Single();
        using var tls = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString() },
            },
            DisposeHttpClient = true,
        });
        using var cleartext = GrpcChannel.ForAddress(new UriBuilder(address) { Scheme = "http" }.Uri, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler(),
            DisposeHttpClient = true,
        });

        await new StickyDiskService.StickyDiskServiceClient(tls).UpAsync(new UpRequest(), cancellationToken: Ct);
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await new StickyDiskService.StickyDiskServiceClient(cleartext).UpAsync(new UpRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: Ct));

        Assert.Equal("https", address.Scheme);
        // The TLS listener drops the cleartext HTTP/2 preface: depending on when the client sees the close, gRPC
        // reports a broken connection (Unavailable) or a malformed response (Internal). Either way nothing was served.
        Assert.Contains(refused.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
    }

    [Fact]
    public async Task A_certificate_that_cannot_be_loaded_is_refused_at_start_naming_the_file()
    {
        await using var h = new AgentHarness();
        var certificatePath = Path.Combine(h.Root, "not-a-certificate.pem");
        await File.WriteAllTextAsync(certificatePath, "hello", Ct);
        var settings = h.Settings() with { TlsCertificatePath = certificatePath };

        var refused = Assert.Throws<AgentConfigurationException>(() => Server.AgentServer.Create(settings, _ => throw new InvalidOperationException("never made")));

        Assert.Contains(certificatePath, refused.Message, StringComparison.Ordinal);
        Assert.Contains("expected PEM files", refused.Message, StringComparison.Ordinal);
    }
}
