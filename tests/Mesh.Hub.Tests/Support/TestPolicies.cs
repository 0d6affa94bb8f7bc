using System.Security.Cryptography;
using System.Text;

namespace Mesh.Hub.Tests.Support;

/// <summary>Policy files for tests.</summary>
internal static class TestPolicies
{
    /// <summary>A valid policy of <paramref name="site"/> at <paramref name="version"/>; <paramref name="action"/>
    /// varies the text without changing the version.</summary>
    public static string Valid(long version, string site = TestChain.Site, string action = "cooling-on") => $$"""
        site: {{site}}
        version: {{version}}
        rules:
          - id: hot
            when: { metric: temperature, gt: 30 }
            action: {{action}}

        """;

    /// <summary>Wrong in two places: an unknown key and a missing action.</summary>
    public const string Invalid = """
        site: site-a
        version: 2
        colour: blue
        rules:
          - id: hot
            when: { metric: temperature, gt: 30 }

        """;

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
