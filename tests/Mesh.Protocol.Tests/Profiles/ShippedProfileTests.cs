using Mesh.Protocol.Profiles;

namespace Mesh.Protocol.Tests.Profiles;

/// <summary>The profiles under <c>hardware-profiles/</c> load, and say what the README says they are.</summary>
public class ShippedProfileTests
{
    [Fact]
    public void LoadFolder_ShippedProfiles_NoErrors()
    {
        var result = ProfileLoader.LoadFolder(ShippedProfiles.Directory());

        result.Errors.ShouldBeEmpty();
        result.Ok.ShouldBeTrue();
        result.Profiles.Count.ShouldBe(Directory.GetFiles(ShippedProfiles.Directory(), "*.yaml").Length);
    }

    [Fact]
    public void LoadFolder_ShippedProfiles_EachIdIsItsFileName()
    {
        var result = ProfileLoader.LoadFolder(ShippedProfiles.Directory());

        result.Profiles.ShouldNotBeEmpty();
        result.Profiles.ShouldAllBe(p => Path.GetFileName(p.Path) == p.Id + ".yaml");
    }

    [Theory]
    [InlineData("generic-x64-cpu", ProfileLocation.Edge, CpuArchitecture.X64, "CPU")]
    [InlineData("raspberry-pi-5", ProfileLocation.Edge, CpuArchitecture.Arm64, "CPU")]
    [InlineData("jetson-orin-nano", ProfileLocation.Edge, CpuArchitecture.Arm64, "TensorRT CUDA CPU")]
    [InlineData("intel-nuc-iris-xe", ProfileLocation.Edge, CpuArchitecture.X64, "OpenVINO CPU")]
    [InlineData("edge-server-rtx-a2000", ProfileLocation.Edge, CpuArchitecture.X64, "TensorRT CUDA CPU")]
    [InlineData("cloud-a10g", ProfileLocation.Cloud, CpuArchitecture.X64, "TensorRT CUDA CPU")]
    [InlineData("cloud-h100", ProfileLocation.Cloud, CpuArchitecture.X64, "TensorRT CUDA CPU")]
    [InlineData("cloud-cpu", ProfileLocation.Cloud, CpuArchitecture.X64, "CPU")]
    public void LoadFile_ShippedProfile_AsDocumented(string id, ProfileLocation location, CpuArchitecture arch, string providers)
    {
        var result = ProfileLoader.LoadFile(Path.Combine(ShippedProfiles.Directory(), id + ".yaml"));

        var profile = result.Profile.ShouldNotBeNull(string.Join("; ", result.Errors));
        (profile.Id, profile.Location, profile.Arch).ShouldBe((id, location, arch));
        string.Join(' ', profile.ExecutionProviders.Select(ExecutionProviders.Name)).ShouldBe(providers);
        (profile.Accelerators.Count == 0).ShouldBe(providers == "CPU");
    }

    [Theory]
    [MemberData(nameof(ShippedProfiles.Files), MemberType = typeof(ShippedProfiles))]
    public void LoadFile_ShippedProfile_EstimatedPriorsForEveryProviderSayEstimate(string file)
    {
        var profile = ProfileLoader.LoadFile(Path.Combine(ShippedProfiles.Directory(), file)).Profile.ShouldNotBeNull();

        foreach (var model in new[] { "anomaly", "silero-vad" })
        {
            foreach (var provider in profile.ExecutionProviders)
            {
                var prior = profile.Prior(model, provider).ShouldNotBeNull($"{file}: {model} on {ExecutionProviders.Name(provider)}");
                prior.Source.ShouldStartWith("estimate:", Case.Sensitive, $"{file}: {model} on {ExecutionProviders.Name(provider)}");
                prior.P99Ms.ShouldBeGreaterThanOrEqualTo(prior.P50Ms);
            }
        }
    }

    [Theory]
    [MemberData(nameof(ShippedProfiles.Files), MemberType = typeof(ShippedProfiles))]
    public void LoadFile_ShippedProfile_CostsAreSourced(string file)
    {
        var profile = ProfileLoader.LoadFile(Path.Combine(ShippedProfiles.Directory(), file)).Profile.ShouldNotBeNull();

        profile.Cost.PerHourUsd.ShouldBeGreaterThan(0);
        profile.Cost.Source.ShouldContain(profile.Location == ProfileLocation.Cloud ? "price" : "3 years", Case.Sensitive);
    }

    [Theory]
    [MemberData(nameof(ShippedProfiles.Files), MemberType = typeof(ShippedProfiles))]
    public void Write_ShippedProfile_ParsesBackEqual(string file)
    {
        var profile = ProfileLoader.LoadFile(Path.Combine(ShippedProfiles.Directory(), file)).Profile.ShouldNotBeNull();

        var text = ProfileLoader.Write(profile);
        var back = ProfileLoader.Parse(text, "written.yaml");

        back.Errors.ShouldBeEmpty();
        back.Profile.ShouldBe(profile);
        ProfileLoader.Write(back.Profile!).ShouldBe(text);
    }
}
