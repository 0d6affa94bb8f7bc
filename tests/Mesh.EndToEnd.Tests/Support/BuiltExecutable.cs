namespace Mesh.EndToEnd.Tests.Support;

/// <summary>Finds an executable as its own project built it, in the configuration and framework this test runs under.</summary>
public static class BuiltExecutable
{
    public static string Find(string part, string project, string name)
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = bin.Parent!.Name;
        var root = bin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Mesh.sln")))
            root = root.Parent;
        if (root is null)
            throw new InvalidOperationException($"no Mesh.sln above {AppContext.BaseDirectory}");
        var exe = Path.Combine(root.FullName, part, project, "bin", configuration, bin.Name, name);
        return File.Exists(exe) ? exe : throw new InvalidOperationException($"{exe} is not built: run 'dotnet build {part}/{project}'");
    }
}
