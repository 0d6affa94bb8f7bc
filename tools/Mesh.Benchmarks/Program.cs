using BenchmarkDotNet.Running;

// dotnet run -c Release --project tools/Mesh.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
