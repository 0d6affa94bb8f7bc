using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Node.Inference;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Profiles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Tests.Inference;

/// <summary>The Inference gRPC service over a real loopback socket: it advertises the node, scores rows, and refuses
/// malformed requests with the right status and a message that says what is wrong.</summary>
public sealed class InferenceServiceTests : IAsyncLifetime
{
    private readonly LogSink _logs = new();
    private LocalInference _local = null!;
    private InferenceServer _server = null!;
    private GrpcChannel _channel = null!;
    private string _address = "";

    public async Task InitializeAsync()
    {
        var profile = ProfileLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "hardware-profiles", "cloud-a10g.yaml")).Profile.ShouldNotBeNull();
        _local = LocalInference.Open(profile, Path.Combine(AppContext.BaseDirectory, "models"), new InferenceOptions(), _logs.For<LocalInference>());
        var port = Mesh.Node.Ingest.EmbeddedBroker.FreePort(System.Net.IPAddress.Loopback);
        var options = new NodeOptions { NodeId = "gpu-1", Site = "cloud", Inference = new InferenceOptions { ServeUrl = $"http://127.0.0.1:{port}" } };
        _server = new InferenceServer(Options.Create(options), _local, NullLoggerFactory.Instance);
        await _server.StartAsync(CancellationToken.None);
        _address = options.Inference.ServeUrl;
        _channel = GrpcChannel.ForAddress(_address);
    }

    private Mesh.Protocol.Grpc.Inference.InferenceClient Client => new(_channel);

    [Fact]
    public async Task Describe_CloudNode_AdvertisesProfileAndModels()
    {
        var info = await Client.DescribeAsync(new DescribeRequest { NodeId = "edge-1", Site = "site-a" });

        info.NodeId.ShouldBe("gpu-1");
        info.Site.ShouldBe("cloud");
        var profile = ProfileLoader.Parse(info.ProfileYaml, "advertised").Profile.ShouldNotBeNull();
        profile.Id.ShouldBe("cloud-a10g");
        profile.Location.ShouldBe(ProfileLocation.Cloud);
        var model = info.Models.ShouldHaveSingleItem();
        model.Name.ShouldBe("anomaly");
        model.Version.ShouldBe("1.0.0");
        model.Width.ShouldBe(6);
        model.Provider.ShouldBe("CPU");   // TensorRT and CUDA fell back: the CPU package
    }

    [Fact]
    public async Task Score_TwoRows_OneScoreEachWithVersionAndServingNode()
    {
        var request = new ScoreRequest { Model = "anomaly", Width = 6, Count = 2, NodeId = "edge-1", Site = "site-a" };
        request.Rows.Add([4f, 72f, 2f, 2.2f, 0f, 1f, 4f, 72f, 0f, 2.2f, 0f, 1f]);

        var reply = await Client.ScoreAsync(request);

        reply.Scores.Count.ShouldBe(2);
        reply.Scores.ShouldAllBe(s => s >= 0 && s <= 1);
        reply.ModelVersion.ShouldBe("1.0.0");
        reply.ServingNode.ShouldBe("gpu-1");
        reply.Profile.ShouldBe("cloud-a10g");
        reply.Provider.ShouldBe("CPU");
    }

    [Theory]
    [InlineData("vision", 6, 1, 6, StatusCode.NotFound, "model 'vision' is not served here")]
    [InlineData("anomaly", 5, 1, 5, StatusCode.InvalidArgument, "width 5 does not match model anomaly's 6 features")]
    [InlineData("anomaly", 6, 0, 0, StatusCode.InvalidArgument, "count 0 is outside 1..256")]
    [InlineData("anomaly", 6, 2, 6, StatusCode.InvalidArgument, "rows holds 6 values, expected count × width = 12")]
    public async Task Score_Malformed_RefusedWithWhatIsWrong(string model, int width, int count, int values, StatusCode status, string message)
    {
        var request = new ScoreRequest { Model = model, Width = width, Count = count };
        request.Rows.Add(Enumerable.Repeat(1f, values));

        var ex = await Should.ThrowAsync<RpcException>(() => Client.ScoreAsync(request).ResponseAsync);

        ex.StatusCode.ShouldBe(status);
        ex.Status.Detail.ShouldContain(message);
    }

    [Fact]
    public async Task Score_NotFinite_RefusedNamingRowAndColumn()
    {
        var request = new ScoreRequest { Model = "anomaly", Width = 6, Count = 2 };
        request.Rows.Add([1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, float.NaN, 1f, 1f, 1f]);

        var ex = await Should.ThrowAsync<RpcException>(() => Client.ScoreAsync(request).ResponseAsync);

        ex.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        ex.Status.Detail.ShouldBe("value 8 (row 1, column 2) is not a finite number");
    }

    /// <summary>Bytes no node would send, through a raw marshaller: the server reads the request itself
    /// (OwnReadMethods), so each is refused with a status and a detail that say why, and it serves the next call.</summary>
    [Theory]
    [InlineData("Score", "oversized", StatusCode.ResourceExhausted, "larger than 1048576 bytes (the inference server's limit)")]
    [InlineData("Score", "not-protobuf", StatusCode.InvalidArgument, "the request is not a valid ScoreRequest")]
    [InlineData("Describe", "not-protobuf", StatusCode.InvalidArgument, "the request is not a valid DescribeRequest")]
    public async Task BadBytes_RefusedNamingWhy_AndTheNextCallServed(string method, string kind, StatusCode status, string message)
    {
        var raw = Marshallers.Create<byte[]>(b => b, b => b);
        var call = new Method<byte[], byte[]>(MethodType.Unary, Mesh.Protocol.Grpc.Inference.Descriptor.FullName, method, raw, raw);
        byte[] bytes = kind == "oversized"
            ? new ScoreRequest { Model = new string('m', InferenceService.MaxReceiveBytes) }.ToByteArray()
            : [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];
        using var channel = GrpcChannel.ForAddress(_address, new GrpcChannelOptions { MaxSendMessageSize = null });

        var ex = await Should.ThrowAsync<RpcException>(async () =>
            await channel.CreateCallInvoker().AsyncUnaryCall(call, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(15)), bytes));

        ex.StatusCode.ShouldBe(status, ex.ToString());
        ex.Status.Detail.ShouldContain(message);
        ex.Trailers.GetValue(OwnReadMethods.ProblemTrailer).ShouldBe(kind == "oversized" ? OwnReadMethods.MessageTooLarge : OwnReadMethods.Malformed);
        (await Client.DescribeAsync(new DescribeRequest { NodeId = "edge-1", Site = "site-a" })).NodeId.ShouldBe("gpu-1");
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.StopAsync(CancellationToken.None);
        await _server.DisposeAsync();
        await _local.DisposeAsync();
    }
}
