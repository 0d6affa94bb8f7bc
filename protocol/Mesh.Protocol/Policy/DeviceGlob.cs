using Mesh.Protocol.Topics;

namespace Mesh.Protocol.Policy;

/// <summary>Device id patterns of a <see cref="DeviceGroup"/>: <c>*</c> matches any run of characters (also none),
/// <c>?</c> exactly one; every other character matches itself (ordinal, case-sensitive).</summary>
public static class DeviceGlob
{
    /// <summary>Whether <paramref name="id"/> matches <paramref name="pattern"/> as a whole.</summary>
    public static bool IsMatch(string pattern, string id)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(id);
        // Greedy with one backtrack point (the last '*'): linear in practice, O(n·m) at worst, no recursion.
        int p = 0, i = 0, star = -1, resume = 0;
        while (i < id.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == id[i]))
            {
                p++;
                i++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = i;
            }
            else if (star >= 0)
            {
                p = star + 1;
                i = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }

    /// <summary>Whether <paramref name="pattern"/> can match device ids: non-empty, at most
    /// <see cref="MeshTopics.MaxSegmentLength"/> characters, and (wildcards aside) a valid topic segment.</summary>
    public static bool TryValidate(string pattern, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        problem = pattern switch
        {
            "" => "a device pattern must not be empty; use \"*\" for every device",
            { Length: > MeshTopics.MaxSegmentLength } => $"a device pattern may be at most {MeshTopics.MaxSegmentLength} characters",
            _ when !MeshTopics.IsValidSegment(pattern) => $"the device pattern '{pattern}' holds a character no device id can ('/', '+', '#', NUL or white space)",
            _ => null,
        };
        return problem is null;
    }
}
