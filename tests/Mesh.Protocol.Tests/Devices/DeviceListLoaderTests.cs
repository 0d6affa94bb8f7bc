using Mesh.Protocol.Devices;

namespace Mesh.Protocol.Tests.Devices;

public class DeviceListLoaderTests
{
    private static readonly string Hash = DevicePassword.Hash("pw", DevicePassword.MinIterations);

    [Fact]
    public void Write_ThenParse_SameList()
    {
        var list = new DeviceList("site-a", [new DeviceEntry("dev-1", Hash), new DeviceEntry("fridge.2_b", Hash)]);

        var parsed = DeviceListLoader.Parse(DeviceListLoader.Write(list), "devices.yaml");

        parsed.Errors.ShouldBeEmpty();
        parsed.List!.Site.ShouldBe("site-a");
        parsed.List.Devices.ShouldBe(list.Devices);
        DeviceListLoader.Parse(DeviceListLoader.Write(list with { Devices = [] }), "d.yaml").List!.Devices.ShouldBeEmpty();
    }

    [Fact]
    public void With_ExistingId_ReplacesInPlace()
    {
        var list = new DeviceList("s", [new DeviceEntry("a", "h1"), new DeviceEntry("b", "h2")]);
        list.With(new DeviceEntry("a", "h3")).Devices.ShouldBe([new DeviceEntry("a", "h3"), new DeviceEntry("b", "h2")]);
        list.With(new DeviceEntry("c", "h4")).Devices.Count.ShouldBe(3);
    }

    public static TheoryData<string, string> Broken() => new()
    {
        // text, expected first error "line:column: message"
        { "site: site-a\ndevices:\n  - id: dev-1\n    password_hash: hunter2\n", "4:20: password_hash: expected a PBKDF2-SHA512 hash" },
        { "site: site-a\ndevices:\n  - id: dev 1\n    password_hash: H\n", "3:9: 'dev 1' is not a valid device id" },
        { "site: site-a\ndevices:\n  - id: $site\n    password_hash: H\n", "3:9: '$site' is not a valid device id" },
        { "site: site-a\ndevices:\n  - id: d\n    password_hash: H\n  - id: d\n    password_hash: H\n", "5:9: device 'd' is listed twice (first at 3:9)" },
        { "site: site-a\ndevices:\n  - id: d\n    passwd: H\n", "3:5: missing required key 'password_hash'" },
        { "site: site-a\ndevices:\n  - id: d\n    password_hash: H\n    pasword: x\n", "5:5: unknown key 'pasword' in a device" },
        { "site: a/b\ndevices: []\n", "1:7: 'a/b' is not a valid site id" },
        { "devices: []\n", "1:1: missing required key 'site'" },
        { "site: [x\n", "YAML syntax error" },
        { "", "the file is empty" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Parse_Broken_FirstErrorAtExactPlace(string text, string expected)
    {
        var result = DeviceListLoader.Parse(text.Replace("H", Hash, StringComparison.Ordinal), "devices.yaml");

        result.Ok.ShouldBeFalse();
        result.Errors[0].ToString().ShouldContain("devices.yaml:" + (expected.Contains(':') && char.IsDigit(expected[0]) ? expected : ""));
        result.Errors[0].ToString().ShouldContain(expected.Contains(": ") && char.IsDigit(expected[0]) ? expected.Split(": ", 2)[1] : expected);
    }
}
