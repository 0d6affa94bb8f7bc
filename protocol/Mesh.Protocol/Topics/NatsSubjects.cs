using System.Globalization;
using System.Text;

namespace Mesh.Protocol.Topics;

/// <summary>
/// The NATS JetStream names of audit sync (node → hub), which nodes and hub must agree on (docs/NATS.md):
/// one stream per site, <c>MESH_AUDIT_&lt;site&gt;</c>, with the subjects <c>mesh.audit.&lt;site&gt;.&lt;node&gt;</c>;
/// one message per run of consecutive journal records, its body an <c>AuditBatch</c> (header <see cref="FormatHeader"/>:
/// <see cref="BatchFormat"/>), its message id <c>&lt;node&gt;:&lt;first&gt;-&lt;last&gt;</c> (<see cref="BatchMsgId"/>). Streams
/// written before batches hold one message per record: its body the record's canonical bytes, its message id
/// <c>&lt;node&gt;:&lt;seq&gt;</c> (<see cref="MsgId"/>), no format header; the hub reads both.
/// <para>
/// Site and node ids are topic segments (<see cref="MeshTopics.IsValidSegment"/>) and may hold characters NATS
/// reserves in subjects ('.', '*', '>') or forbids in stream names, so each becomes one token: ASCII letters,
/// digits and '-' stay; every other UTF-8 byte, '_' included, becomes '_' and two upper-case hex digits
/// (<c>site.a</c> → <c>site_2Ea</c>). The mapping is one-to-one, so two sites never share a stream.
/// </para>
/// </summary>
public static class NatsSubjects
{
    public const string StreamPrefix = "MESH_AUDIT_";
    public const string SubjectPrefix = "mesh.audit.";

    /// <summary>Every audit subject of every site.</summary>
    public const string AllSubjects = "mesh.audit.>";

    /// <summary>JetStream's de-duplication header; its value is <see cref="MsgId"/>.</summary>
    public const string MsgIdHeader = "Nats-Msg-Id";

    /// <summary>One-record messages: the record's SHA-256 as 64 lower-case hex digits (the envelope hash the hub verifies).</summary>
    public const string HashHeader = "Mesh-Hash";

    /// <summary>One-record messages: the node's journal head when it published the record (decimal), so the hub can
    /// show its lag. A batch carries it in <c>AuditBatch.head_seq</c>.</summary>
    public const string HeadHeader = "Mesh-Head";

    /// <summary>The body's format: <see cref="BatchFormat"/>; absent on a one-record message.</summary>
    public const string FormatHeader = "Mesh-Format";

    /// <summary>The body is a protobuf <c>AuditBatch</c> of consecutive records of the subject's node, in increasing order.</summary>
    public const string BatchFormat = "batch";

    /// <summary>Most records in one batch message; the hub refuses a message that holds more.</summary>
    public const int MaxRecordsPerMessage = 1000;

    /// <summary>A batch body stays below this many bytes (half NATS's default 1 MiB max_payload), and below half the
    /// server's own limit; a single record larger than that still goes, alone.</summary>
    public const int MaxMessageBytes = 512 * 1024;

    /// <summary>Longest encoded site or node token: keeps stream names (a folder in the server's store) short.</summary>
    public const int MaxTokenLength = 200;

    public static string Stream(string site) => StreamPrefix + Token(site);

    public static string Subject(string site, string node) => SubjectPrefix + Token(site) + "." + Token(node);

    /// <summary>The subjects of one site's stream: every node of the site.</summary>
    public static string SiteSubjects(string site) => SubjectPrefix + Token(site) + ".*";

    /// <summary>The message id of a one-record message (streams written before batches).</summary>
    public static string MsgId(string node, long sequence) => node + ":" + sequence.ToString(CultureInfo.InvariantCulture);

    /// <summary>The message id of a batch of the records <paramref name="first"/>..<paramref name="last"/>. A batch
    /// published again with other boundaries has another id: the stream keeps both, and the hub skips what it stores.</summary>
    public static string BatchMsgId(string node, long first, long last) =>
        string.Create(CultureInfo.InvariantCulture, $"{node}:{first}-{last}");

    /// <summary>Why <paramref name="id"/> cannot be used in a stream or subject name, or null when it can.</summary>
    public static string? Check(string id)
    {
        var length = Token(id).Length;
        return length <= MaxTokenLength ? null
            : $"encodes to a {length}-character NATS token (see docs/NATS.md); the limit is {MaxTokenLength}";
    }

    /// <summary>Encodes an id as one subject token, also usable in a stream name.</summary>
    public static string Token(string id)
    {
        var sb = new StringBuilder(id.Length);
        foreach (var b in Encoding.UTF8.GetBytes(id))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-')
                sb.Append((char)b);
            else
                sb.Append('_').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Decodes a <see cref="Token"/>; false for anything <see cref="Token"/> does not produce.</summary>
    public static bool TryDecodeToken(string token, out string id)
    {
        id = "";
        var bytes = new List<byte>(token.Length);
        for (var i = 0; i < token.Length; i++)
        {
            var c = token[i];
            if (c == '_')
            {
                if (i + 2 >= token.Length
                    || !byte.TryParse(token.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                    return false;
                bytes.Add(b);
                i += 2;
            }
            else if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-')
            {
                bytes.Add((byte)c);
            }
            else
            {
                return false;
            }
        }
        try
        {
            id = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        // Only the canonical spelling decodes (upper-case hex, nothing escaped that need not be): one name per id.
        return id.Length > 0 && Token(id) == token;
    }

    /// <summary>The site a <c>MESH_AUDIT_*</c> stream serves; false for any other stream.</summary>
    public static bool TryParseStream(string stream, out string site)
    {
        site = "";
        return stream.StartsWith(StreamPrefix, StringComparison.Ordinal) && TryDecodeToken(stream[StreamPrefix.Length..], out site);
    }

    /// <summary>Splits <c>mesh.audit.&lt;site&gt;.&lt;node&gt;</c>; false for anything else.</summary>
    public static bool TryParseSubject(string subject, out string site, out string node)
    {
        site = node = "";
        if (!subject.StartsWith(SubjectPrefix, StringComparison.Ordinal))
            return false;
        var rest = subject.AsSpan(SubjectPrefix.Length);
        var dot = rest.IndexOf('.');
        return dot > 0 && TryDecodeToken(rest[..dot].ToString(), out site) && TryDecodeToken(rest[(dot + 1)..].ToString(), out node);
    }

    /// <summary>The stream of a site's state gossip (one per site): each node publishes the site-state entries it wrote
    /// (a <c>CrdtEntries</c> message) on <see cref="GossipSubject"/>; every node of the site and the hub read them all.</summary>
    public const string GossipStreamPrefix = "MESH_GOSSIP_";

    public const string GossipSubjectPrefix = "mesh.gossip.";

    public static string GossipStream(string site) => GossipStreamPrefix + Token(site);

    public static string GossipSubject(string site, string node) => GossipSubjectPrefix + Token(site) + "." + Token(node);

    public static string GossipSiteSubjects(string site) => GossipSubjectPrefix + Token(site) + ".*";

    /// <summary>The site a <c>MESH_GOSSIP_*</c> stream serves; false for any other stream.</summary>
    public static bool TryParseGossipStream(string stream, out string site)
    {
        site = "";
        return stream.StartsWith(GossipStreamPrefix, StringComparison.Ordinal) && TryDecodeToken(stream[GossipStreamPrefix.Length..], out site);
    }
}
