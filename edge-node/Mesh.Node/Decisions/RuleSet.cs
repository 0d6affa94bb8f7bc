using System.Security.Cryptography;
using System.Text;

namespace Mesh.Node.Decisions;

/// <summary>The node's rules and their version (a digest of their definitions), recorded with every decision.</summary>
public sealed class RuleSet
{
    public RuleSet(IReadOnlyList<ThresholdRule> rules)
    {
        Rules = rules;
        var text = string.Join('\n', rules.Select(r => r.Describe()));
        Version = "rules/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
    }

    public IReadOnlyList<ThresholdRule> Rules { get; }

    public string Version { get; }
}
