namespace Mesh.Cli.NodeInstall;

/// <summary>Copies a published node into a release folder, leaving out other platforms' native libraries
/// (<c>runtimes/&lt;rid&gt;/</c> folders of packages such as ONNX Runtime for any runtime but the target).</summary>
public static class ReleaseFiles
{
    public static readonly string[] Runtimes = ["linux-x64", "linux-arm64"];

    /// <summary>The runtime of this machine, as <c>dotnet publish -r</c> names it.</summary>
    public static string HostRuntime => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.Arm64 => "linux-arm64",
        _ => "linux-x64",
    };

    /// <summary>The runtime an executable was built for, from its ELF header's machine field; null when it is not a
    /// 64-bit x86 or Arm ELF file.</summary>
    public static string? RuntimeOf(string executable)
    {
        Span<byte> header = stackalloc byte[20];
        using (var file = File.OpenRead(executable))
            if (file.Read(header) < header.Length)
                return null;
        if (header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
            return null;
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(header[18..]) switch
        {
            0x3E => "linux-x64",
            0xB7 => "linux-arm64",
            _ => null,
        };
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/> (which must not exist) and returns the files
    /// copied and the ones left out.</summary>
    public static (int Copied, int LeftOut) Copy(string source, string target, string runtime)
    {
        var copied = 0;
        var leftOut = 0;
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (IsOtherRuntime(relative, runtime))
            {
                leftOut++;
                continue;
            }
            var to = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
            copied++;
        }
        return (copied, leftOut);
    }

    /// <summary>True for <c>runtimes/&lt;rid&gt;/…</c> when the rid is not <paramref name="runtime"/> nor a portable one
    /// it runs (<c>linux</c>, <c>unix</c>).</summary>
    public static bool IsOtherRuntime(string relative, string runtime)
    {
        var parts = relative.Split(Path.DirectorySeparatorChar);
        if (parts.Length < 3 || parts[0] != "runtimes")
            return false;
        return parts[1] != runtime && parts[1] is not ("linux" or "unix");
    }
}
