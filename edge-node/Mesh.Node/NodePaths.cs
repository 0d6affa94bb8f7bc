namespace Mesh.Node;

/// <summary>Where a configured relative folder (models, hardware profiles) is: under the working directory when it is
/// there, else next to the node's binaries (where the build copies the shipped ones).</summary>
public static class NodePaths
{
    public static string Resolve(string path)
    {
        if (Path.IsPathRooted(path))
            return path;
        var here = Path.GetFullPath(path);
        if (Directory.Exists(here) || File.Exists(here))
            return here;
        var beside = Path.Combine(AppContext.BaseDirectory, path);
        return Directory.Exists(beside) || File.Exists(beside) ? beside : here;
    }
}
