namespace Mesh.Hub.Storage;

/// <summary>A policy file the hub accepted for a site: its exact text and who pushed it when.</summary>
/// <param name="Sha256">Lower-case hex SHA-256 of the text's UTF-8 bytes.</param>
/// <param name="PushedAtMs">Unix milliseconds (UTC).</param>
public sealed record StoredPolicyVersion(string Site, long Version, string Sha256, string File, string Text, long PushedAtMs, string PushedBy);
