using System.Text.RegularExpressions;

namespace Mesh.Protocol.Devices;

/// <summary>Which ids a provisioned device may have. Stricter than a topic segment: the id is also an MQTT username
/// and client id, a line of a Mosquitto password file (no ':') and a user of its ACL file (no spaces).</summary>
public static partial class DeviceIds
{
    public const string Rule = "1-128 characters: letters, digits, '.', '_' or '-', starting with a letter or digit";

    public static bool IsValid(string id) => id.Length <= Topics.MeshTopics.MaxSegmentLength && Pattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
