using System.Text.RegularExpressions;

namespace Mesh.Protocol.Profiles;

/// <summary>The lexical rules of a hardware profile and the words that spell its enumerations.</summary>
public static partial class ProfileNames
{
    /// <summary>Location words, in <see cref="ProfileLocation"/> order.</summary>
    public static readonly IReadOnlyList<string> Locations = ["edge", "cloud"];

    /// <summary>Architecture words, in <see cref="CpuArchitecture"/> order.</summary>
    public static readonly IReadOnlyList<string> Architectures = ["x64", "arm64"];

    /// <summary>Accelerator kind words, in <see cref="AcceleratorKind"/> order.</summary>
    public static readonly IReadOnlyList<string> AcceleratorKinds = ["cuda", "tensorrt", "directml", "openvino", "none"];

    /// <summary>A profile id: <c>^[a-z0-9][a-z0-9-]{0,63}$</c>; it is also the file name without <c>.yaml</c>.</summary>
    public static bool IsValidId(string id) => IdPattern().IsMatch(id);

    public static string Of(ProfileLocation location) => Locations[(int)location];

    public static string Of(CpuArchitecture arch) => Architectures[(int)arch];

    public static string Of(AcceleratorKind kind) => AcceleratorKinds[(int)kind];

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
