using TransferGen.IO;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.IO;

public sealed class FolderLockTests
{
    [Fact]
    public void A_second_lock_is_refused_naming_the_holder_until_the_first_is_released()
    {
        using var temp = new TempFolder();
        var folder = temp.Folder("run");
        using (FolderLock.Acquire(folder))
        {
            // flock locks belong to an open file, not to a process: a second lock in the same process is refused too.
            var error = Assert.Throws<InputException>(() => FolderLock.Acquire(folder));
            Assert.StartsWith($"{folder} is in use by another TransferGen process (PID {Environment.ProcessId})", error.Message);
        }
        using (FolderLock.Acquire(folder)) { }
        Assert.Equal("", File.ReadAllText(Path.Combine(folder, FolderLock.FileName)));
    }
}
