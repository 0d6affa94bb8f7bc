using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Time;

namespace Mesh.Cli.Bench;

/// <summary>
/// Prepared audit chains for <c>mesh bench hub</c>: per simulated node, N correctly chained Observation records shaped
/// like a real node's (device, message key, input digest, deterministic route, JSON body with time and metrics),
/// sealed with <see cref="AuditRecordCodec"/> and wrapped as the envelopes a node sends.
/// </summary>
internal static class BenchChains
{
    private const long BaseWall = 1_795_460_400_000;
    private const int DevicesPerNode = 20;

    public static AuditRecordEnvelope[] Build(string nodeId, string site, int records)
    {
        var envelopes = new AuditRecordEnvelope[records];
        var previous = AuditRecordCodec.GenesisHash;
        var route = AuditRoute.Deterministic("generic-x64-cpu", "policy rule: no model needed");
        for (var i = 0; i < records; i++)
        {
            var seq = i + 1L;
            var device = $"dev-{i % DevicesPerNode + 1:D4}";
            var reading = i / DevicesPerNode + 1;
            var wall = BaseWall + seq * 10;
            var ts = DateTimeOffset.FromUnixTimeMilliseconds(wall).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
            var body = string.Create(CultureInfo.InvariantCulture,
                $"{{\"ts\":\"{ts}\",\"seq\":{reading},\"metrics\":{{\"humidity\":{40 + i % 17}.5,\"temperature\":{20 + i % 13}.25}}}}");
            var record = new AuditRecord
            {
                Sequence = seq,
                Kind = AuditKind.Observation,
                Hlc = new HlcTimestamp(wall, 0, nodeId),
                NodeId = nodeId,
                Site = site,
                Device = device,
                MessageKey = $"{device}#{reading}",
                InputDigest = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(body)),
                Route = route,
                PolicyVersion = "builtin/v0",
                Outcome = "accepted",
                Body = body,
                PreviousHash = previous,
            };
            var canonical = AuditRecordCodec.Encode(record);
            var hash = AuditRecordCodec.ComputeHash(canonical);
            envelopes[i] = new AuditRecordEnvelope { Canonical = ByteString.CopyFrom(canonical), Hash = ByteString.CopyFrom(hash) };
            previous = hash;
        }
        return envelopes;
    }
}
