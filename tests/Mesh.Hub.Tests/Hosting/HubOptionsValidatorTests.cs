using System.Net;

namespace Mesh.Hub.Tests.Hosting;

public sealed class HubOptionsValidatorTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080", "127.0.0.1", 5080)]
    [InlineData("http://localhost:0", "127.0.0.1", 0)]
    [InlineData("http://[::1]:7000", "::1", 7000)]
    public void TryParseListenUrl_Loopback_Accepted(string url, string address, int port)
    {
        HubOptionsValidator.TryParseListenUrl(url, out var endpoint, out var problem).ShouldBeTrue(problem);

        endpoint.ShouldBe(new IPEndPoint(IPAddress.Parse(address), port));
    }

    [Theory]
    [InlineData("http://0.0.0.0:5080", "loopback")]
    [InlineData("http://hub.example.com:5080", "loopback")]
    [InlineData("https://127.0.0.1:5080", "scheme")]
    [InlineData("http://127.0.0.1:5080/hub", "path")]
    [InlineData("127.0.0.1:5080", "absolute")]
    public void TryParseListenUrl_NotAPlainLoopbackUrl_RefusedWithReason(string url, string reason)
    {
        HubOptionsValidator.TryParseListenUrl(url, out _, out var problem).ShouldBeFalse();

        problem.ShouldContain(reason);
    }

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        new HubOptionsValidator().Validate(null, new HubOptions()).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Validate_ApiUrlSameAsUrl_Fails()
    {
        var result = new HubOptionsValidator().Validate(null, new HubOptions { ApiUrl = "http://127.0.0.1:5080" });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Hub:ApiUrl");
    }

    [Fact]
    public void Validate_NatsOffOrSane_Succeeds()
    {
        new HubOptionsValidator().Validate(null, new HubOptions { Nats = new NatsHubOptions { Url = "nats://127.0.0.1:4222,nats://10.0.0.2:4222", Domains = ["edge-site-a"] } })
            .Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("http://127.0.0.1:4222", "mesh-hub", 1000, 20000, "Hub:Nats:Url")]
    [InlineData("nats://127.0.0.1:4222", "mesh.hub", 1000, 20000, "Hub:Nats:Durable")]
    [InlineData("nats://127.0.0.1:4222", "mesh-hub", 0, 20000, "Hub:Nats:FetchBatch")]
    [InlineData("nats://127.0.0.1:4222", "mesh-hub", 1000, 500, "Hub:Nats:MaxAckPending")]
    public void Validate_BadNatsSetting_FailsNamingTheKey(string url, string durable, int fetch, int maxAckPending, string key)
    {
        var result = new HubOptionsValidator().Validate(null, new HubOptions
        {
            Nats = new NatsHubOptions { Url = url, Durable = durable, FetchBatch = fetch, MaxAckPending = maxAckPending },
        });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain(key);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100_001)]
    public void Validate_MaxSyncStreamsOutOfRange_NamesTheKey(int streams)
    {
        var result = new HubOptionsValidator().Validate(null, new HubOptions { MaxSyncStreams = streams });

        result.Failures.ShouldHaveSingleItem().ShouldBe($"Hub:MaxSyncStreams: {streams} is outside 1..100000");
    }

    [Fact]
    public void Validate_SyncRetryAfterTooShort_NamesTheKey()
    {
        var result = new HubOptionsValidator().Validate(null, new HubOptions { SyncRetryAfter = TimeSpan.FromMilliseconds(10) });

        result.Failures.ShouldHaveSingleItem().ShouldStartWith("Hub:SyncRetryAfter: 00:00:00.0100000 is outside");
    }

    [Theory]
    [InlineData("sqlite", "")]
    [InlineData("SQLite", "ignored for sqlite")]
    [InlineData("postgresql", "Host=db.example;Database=mesh_hub;Username=hub;Password=x")]
    [InlineData("PostgreSQL", "Host=127.0.0.1;Port=5433;Database=mesh_hub")]
    public void Validate_StoreProviderAndConnectionString_Accepted(string provider, string connectionString)
    {
        var result = new HubOptionsValidator().Validate(null, new HubOptions { Store = new() { Provider = provider, ConnectionString = connectionString } });

        result.Succeeded.ShouldBeTrue(result.FailureMessage);
    }

    [Theory]
    [InlineData("mysql", "", "Hub:Store:Provider: 'mysql' is not a store provider; use 'sqlite' or 'postgresql'")]
    [InlineData("postgresql", " ", "Hub:Store:ConnectionString: must be set when Hub:Store:Provider is 'postgresql'")]
    [InlineData("postgresql", "Database=mesh_hub;Password=s3cret-pw", "Hub:Store:ConnectionString: 'Database=mesh_hub' names no Host")]
    [InlineData("postgresql", "Host=db;Port=many;Password=s3cret-pw", "Hub:Store:ConnectionString: is not a valid Npgsql connection string")]
    [InlineData("postgresql", "Host=db;Colour=blue;Password=s3cret-pw", "Hub:Store:ConnectionString: is not a valid Npgsql connection string")]
    public void Validate_BadStore_FailsNamingTheKeyWithoutThePassword(string provider, string connectionString, string failure)
    {
        var result = new HubOptionsValidator().Validate(null, new HubOptions { Store = new() { Provider = provider, ConnectionString = connectionString } });

        result.Failures.ShouldHaveSingleItem().ShouldStartWith(failure);
        result.FailureMessage!.ShouldNotContain("s3cret-pw");
    }

    private static IReadOnlyList<string> Failures(HubOptions o) => new HubOptionsValidator().Validate(null, o).Failures?.ToList() ?? [];

    [Fact]
    public void Validate_EnrollmentDefaults_Pass() => Failures(new HubOptions()).ShouldBeEmpty();

    [Theory]
    [InlineData("http://127.0.0.1:5443", "Hub:Enrollment:Url: scheme 'http' is not supported here; use https://")]
    [InlineData("https://10.0.0.1:5443", "Hub:Enrollment:Url: host '10.0.0.1' is not a loopback address")]
    public void Validate_EnrollmentUrlNotLoopbackHttps_NamesTheKey(string url, string expected) =>
        Failures(new HubOptions { Enrollment = new() { Url = url } }).ShouldHaveSingleItem().ShouldStartWith(expected);

    [Fact]
    public void Validate_CaCertificateWithoutKey_NamesBoth() =>
        Failures(new HubOptions { Enrollment = new() { CaCertificatePath = "/etc/mesh/ca.crt" } }).ShouldHaveSingleItem()
            .ShouldStartWith("Hub:Enrollment: set both CaCertificatePath and CaKeyPath, or neither");

    [Fact]
    public void Validate_CertificateLifetimeTooShort_NamesTheKey() =>
        Failures(new HubOptions { Enrollment = new() { CertificateLifetime = TimeSpan.FromSeconds(5) } }).ShouldHaveSingleItem()
            .ShouldStartWith("Hub:Enrollment:CertificateLifetime: 00:00:05 is outside");

    [Theory]
    [InlineData(0)]
    [InlineData(7200_000)]
    public void Validate_RevocationRefreshOutOfRange_NamesTheKey(int milliseconds) =>
        Failures(new HubOptions { Enrollment = new() { RevocationRefresh = TimeSpan.FromMilliseconds(milliseconds) } }).ShouldHaveSingleItem()
            .ShouldBe($"Hub:Enrollment:RevocationRefresh: {TimeSpan.FromMilliseconds(milliseconds)} is outside 00:00:00.1..01:00:00");
}
