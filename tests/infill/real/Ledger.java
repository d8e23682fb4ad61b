import java.util.ArrayList;
import java.util.List;

/** A ledger of signed amounts in cents. */
public class Ledger {
    private final List<Long> entries = new ArrayList<>();
    private final String owner;

    public Ledger(String owner) {
        this.owner = owner;
    }

    public void record(long cents) {
        if (cents == 0) {
            throw new IllegalArgumentException("empty entry");
        }
        entries.add(cents);
    }

    public long balance() {
        long sum = 0;
        for (long cents : entries) {
            sum += cents;
        }
        return sum;
    }

    public String summary() {
        return owner + ": " + entries.size() + " entries, balance " + balance();
    }
}
